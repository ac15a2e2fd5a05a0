import type { Database, Session } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import type { Dialect } from '../dialects/types.js';
import { type RunRecord, runningRuns, runSteps, updateRun, updateStep } from '../state/runs.js';

const interruptedMessage = 'interrupted: the process running it ended before it finished';

/**
 * Marks runs left `running` as `interrupted` (their running step as failed). Only a caller holding the
 * run lock may call it: then no other run is alive, so every `running` run is stale. Read commands
 * never call it (a login that cannot see other sessions would mark a live run).
 */
export async function markInterruptedRuns(db: Database): Promise<RunRecord[]> {
  const stale = await runningRuns(db);
  for (const run of stale) {
    for (const step of await runSteps(db, run.id)) {
      if (step.status === 'running')
        await updateStep(db, run.id, step.ordinal, { status: 'failed', error: interruptedMessage });
    }
    await updateRun(db, run.id, { status: 'interrupted', finishedAt: new Date(), error: interruptedMessage });
  }
  return stale;
}

/**
 * Repairs what interrupted runs left, while holding the run lock: stops their statements still
 * running on the server, and drops INVALID indexes their steps' builds created (named in a build
 * statement). An index an interrupted drop left INVALID is left to the plan (a replaced index's
 * replacement may be waiting under its temporary name to take its place).
 */
export async function repairInterruptedRuns(
  db: Database,
  executor: DialectExecutor,
  dialect: Pick<Dialect, 'quoteIdent'>,
  ddl: Session,
  runs: readonly RunRecord[],
): Promise<string[]> {
  const repaired: string[] = [];
  for (const run of runs) {
    for (const step of await runSteps(db, run.id)) {
      if (step.error !== interruptedMessage) continue;
      if (step.connectionId !== null) {
        for (const statement of [...step.sql, ...step.rollback]) {
          if (await executor.stopOrphan(db, { connectionId: step.connectionId, statement })) {
            repaired.push(`stopped connection ${step.connectionId} still running: ${statement}`);
          }
        }
      }
      const invalid = await executor.invalidIndexes(db, step.table);
      const builds = [...step.sql, ...step.rollback].filter((sql) => executor.waitsForSnapshots(sql));
      const ours = invalid.filter((name) => builds.some((sql) => sql.includes(dialect.quoteIdent(name))));
      if (ours.length > 0) {
        await executor.dropInvalidIndexes(ddl, step.table, ours);
        repaired.push(`dropped INVALID index ${ours.join(', ')} left by run ${run.id}`);
      }
    }
  }
  return repaired;
}
