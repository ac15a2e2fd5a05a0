import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import type { BlockersPolicy } from '../dialects/executor-types.js';
import { defaultSettings } from '../plan-file/types.js';
import { executeRollback, type RollbackResult } from './rollback.js';
import type { ExecutionSink } from './types.js';

/** Everything `rollback` needs: target, which run, flags. */
export interface RollbackRequest extends TargetOptions {
  runId?: number;
  dryRun: boolean;
  lockTimeoutMs?: number;
  waitMs: number;
  blockers: BlockersPolicy;
  sink?: ExecutionSink;
  /** Asked before anything runs; false aborts. */
  confirm?(runId: number, steps: number): Promise<boolean>;
}

/** Connects and undoes the chosen run (or only lists its reverse SQL with `dryRun`). */
export async function rollbackRun(request: RollbackRequest): Promise<RollbackResult> {
  return withDatabase(request, (db) =>
    executeRollback(db, {
      runId: request.runId,
      dryRun: request.dryRun,
      waitMs: request.waitMs,
      sink: request.sink,
      confirm: request.confirm,
      settings: {
        lockTimeoutMs: request.lockTimeoutMs ?? defaultSettings.lockTimeoutMs,
        maxRetries: defaultSettings.maxRetries,
        blockers: request.blockers,
      },
    }),
  );
}
