import type { Database, Session } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import { dialectOf } from '../dialects/index.js';
import type { Dialect } from '../dialects/types.js';
import { findTable, tableKey } from '../model/schema.js';
import { type RunRecord, runningRuns, runSteps, type StepRecord, updateRun, updateStep } from '../state/runs.js';
import { runStatements, type StatementContext } from './statements.js';

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

/**
 * Before the undo of a run's replace steps: drops what an interrupted replace or rollback left under
 * the temporary name of their indexes (a `si_new` leftover), since the undo builds the old definition
 * under that name again. Without it, a rollback killed half way could never be run again.
 */
export async function dropTemporaryLeftovers(
  db: Database,
  context: StatementContext,
  steps: readonly Pick<StepRecord, 'action' | 'table' | 'index'>[],
): Promise<void> {
  const replaced = steps.filter((step) => step.action === 'replace');
  if (replaced.length === 0) return;
  const dialect = dialectOf(db);
  const tables = [...new Map(replaced.map((step) => [tableKey(step.table), step.table])).values()];
  const live = await dialect.introspect(db, tables);
  for (const ref of tables) {
    const table = findTable(live, ref);
    if (!table) continue;
    const names = replaced.filter((step) => tableKey(step.table) === tableKey(ref)).map((step) => step.index);
    for (const index of table.indexes) {
      const found = dialect.leftoverOf(index, names);
      if (found?.kind !== 'si_new' || !names.includes(found.of)) continue;
      const change = { action: 'drop' as const, table: ref, index: index.name, live: index, warnings: [] };
      const label = `drop ${index.name} on ${ref.name}`;
      context.sink.log(
        `${label}: left by an interrupted replace or rollback of ${found.of}; the undo builds under that name`,
      );
      await runStatements(context, dialect.renderChange(change, table).sql, ref, label, async () => {});
    }
  }
}
