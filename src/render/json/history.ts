import type { HistoryEntry } from '../../executor/history.js';

/** The `history --format json` document of SPEC: id, status, started_at, changes per run. */
export function historyJson(entries: readonly HistoryEntry[]) {
  return entries.map(({ run, changes }) => ({
    id: run.id,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    changes,
  }));
}

/** The `history --format json` document as text. */
export function renderHistoryJson(entries: readonly HistoryEntry[]): string {
  return JSON.stringify(historyJson(entries), null, 2);
}
