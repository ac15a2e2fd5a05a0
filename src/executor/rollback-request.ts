import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import type { BlockersPolicy } from '../dialects/executor-types.js';
import { executeRollback, type RollbackResult } from './rollback.js';
import type { ExecutionSink } from './types.js';

/** Everything `rollback` needs: target, which run, flags. */
export interface RollbackRequest extends TargetOptions {
  runId?: number;
  dryRun: boolean;
  lockTimeoutMs?: number;
  waitMs: number;
  blockers: BlockersPolicy;
  /** Receives `<run-id>.rolled-back.sql`: what the rollback ran (the run itself is read from the database). */
  rollbackDir?: string;
  sink?: ExecutionSink;
  /** Asked before anything runs; false aborts. */
  confirm?(runId: number, steps: number): Promise<boolean>;
}

/** Connects and undoes the chosen run (or only lists its reverse SQL with `dryRun`). */
export async function rollbackRun(request: RollbackRequest): Promise<RollbackResult> {
  return withDatabase(request, async (db) => {
    const result = await executeRollback(db, {
      runId: request.runId,
      dryRun: request.dryRun,
      waitMs: request.waitMs,
      sink: request.sink,
      confirm: request.confirm,
      // lock timeout and retries default to those the run was applied with
      settings: {
        ...(request.lockTimeoutMs !== undefined ? { lockTimeoutMs: request.lockTimeoutMs } : {}),
        blockers: request.blockers,
      },
    });
    if (result.status === 'rolled_back' && result.runId !== null && request.rollbackDir) {
      const lines = [
        `-- safe-index: statements run by \`rollback\` of run ${result.runId}`,
        `-- date: ${new Date().toISOString()}`,
        `-- target: ${db.target.display}`,
        '',
        ...result.steps.flatMap((step) => [
          `-- undo ${step.action} ${step.index} on ${step.table}`,
          ...step.sql.map((sql) => `${sql};`),
          '',
        ]),
      ];
      await mkdir(request.rollbackDir, { recursive: true });
      await writeFile(path.join(request.rollbackDir, `${result.runId}.rolled-back.sql`), lines.join('\n'), 'utf8');
    }
    return result;
  });
}
