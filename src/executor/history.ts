import type { Database } from '../connection/database.js';
import { createDialectExecutor } from '../dialects/executor.js';
import { stateTablesExist } from '../state/migrate.js';
import { listRuns, type RunRecord, stepCounts } from '../state/runs.js';
import { markInterruptedRuns } from './recovery.js';

/** One recorded run with its number of changes. */
export interface HistoryEntry {
  run: RunRecord;
  changes: number;
}

/**
 * Lists recorded runs, newest first. Runs whose process died are marked `interrupted` first.
 * Read-only otherwise: without state tables there is no history.
 */
export async function readHistory(db: Database): Promise<HistoryEntry[]> {
  if (!(await stateTablesExist(db))) return [];
  await markInterruptedRuns(db, createDialectExecutor(db.server), false);
  const [runs, counts] = await Promise.all([listRuns(db), stepCounts(db)]);
  return runs.map((run) => ({ run, changes: counts.get(run.id) ?? 0 }));
}
