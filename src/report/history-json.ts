import type { HistoryEntry } from '../executor/history.js';

/** The `history --format json` document of SPEC: id, status, started_at, changes per run. */
export function renderHistoryJson(entries: readonly HistoryEntry[]): string {
  return JSON.stringify(
    entries.map(({ run, changes }) => ({
      id: run.id,
      status: run.status,
      started_at: run.startedAt.toISOString(),
      changes,
    })),
    null,
    2,
  );
}
