import type { Database } from '../connection/database.js';
import { readState, stateTablesExist } from '../state/migrate.js';
import { listRuns, type RunRecord, stepCounts } from '../state/runs.js';

/** One recorded run with its number of changes. */
export interface HistoryEntry {
  run: RunRecord;
  changes: number;
}

/**
 * Lists recorded runs, newest first. Only reads: a run whose process died stays `running` here
 * until the next `apply` or `rollback`, which hold the run lock, marks it `interrupted`.
 * Without state tables there is no history.
 */
export async function readHistory(db: Database): Promise<HistoryEntry[]> {
  if (!(await stateTablesExist(db))) return [];
  const [runs, counts] = await readState(db, () => Promise.all([listRuns(db), stepCounts(db)]));
  return runs.map((run) => ({ run, changes: counts.get(run.id) ?? 0 }));
}
