import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import type { BlockersPolicy } from '../dialects/executor-types.js';
import { replicaGateSettings } from '../replicas/gate.js';
import { executeRollback, type RollbackResult, type UndoStep } from './rollback.js';
import { runLockSession } from './run-lock.js';
import type { ExecutionSink } from './types.js';

/** Everything `rollback` needs: target, which run, flags. */
export interface RollbackRequest extends TargetOptions {
  runId?: number;
  /** Without `runId`, only the newest recorded run may be undone (see `RollbackOptions.newestRunOnly`). */
  newestRunOnly?: boolean;
  /** With `newestRunOnly`: only a newest run made by this fleet apply is undone. */
  fleetDeploy?: string;
  dryRun: boolean;
  lockTimeoutMs?: number;
  waitMs: number;
  blockers: BlockersPolicy;
  /** Longest wait of one step for old transactions under `--blockers wait` (default 10m). */
  snapshotWaitMs?: number;
  /** Receives `<database>-<run-id>.rolled-back.sql`: what the rollback ran (the run itself is read from the database). */
  rollbackDir?: string;
  sink?: ExecutionSink;
  /** Asked before anything runs; false aborts. */
  confirm?(runId: number, steps: readonly UndoStep[]): Promise<boolean>;
  /** Undo the run although a later run, not rolled back, changed one of its indexes. */
  force?: boolean;
  /** Replica URLs the lag gate waits for (PostgreSQL standbys are found on the primary as well). */
  replicas?: string[];
  /** Lag gate bound (default 10s). */
  maxReplicaLagMs?: number;
  /** The longest one wait for replicas lasts (default 10m). */
  replicaWaitMs?: number;
}

/** Connects and undoes the chosen run (or only lists its reverse SQL with `dryRun`). */
export async function rollbackRun(request: RollbackRequest): Promise<RollbackResult> {
  // a dry run only reads: it takes no run lock
  return withDatabase({ ...request, ...(request.dryRun ? {} : { early: [runLockSession] }) }, (db) =>
    executeRollback(db, {
      runId: request.runId,
      ...(request.newestRunOnly ? { newestRunOnly: true } : {}),
      ...(request.fleetDeploy !== undefined ? { fleetDeploy: request.fleetDeploy } : {}),
      dryRun: request.dryRun,
      waitMs: request.waitMs,
      sink: request.sink,
      confirm: request.confirm,
      force: request.force ?? false,
      replicaGate: replicaGateSettings(request),
      ...(request.rollbackDir ? { rollbackDir: request.rollbackDir } : {}),
      // lock timeout and retries default to those the run was applied with
      settings: {
        ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
        blockers: request.blockers,
        ...(request.snapshotWaitMs !== undefined ? { snapshotWaitMs: request.snapshotWaitMs } : {}),
      },
    }),
  );
}
