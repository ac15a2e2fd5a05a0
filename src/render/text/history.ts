import pc from 'picocolors';
import type { HistoryEntry } from '../../executor/history.js';

/** `history` as a table: newest run first. */
export function renderHistoryText(entries: readonly HistoryEntry[], color: boolean): string {
  if (entries.length === 0) return 'no runs recorded';
  const c = pc.createColors(color);
  const paint: Record<string, (s: string) => string> = {
    applied: c.green,
    noop: c.dim,
    failed: c.red,
    interrupted: c.red,
    rolled_back: c.yellow,
    running: c.cyan,
  };
  const rows = entries.map(({ run, changes }) => [
    String(run.id),
    run.status,
    run.startedAt.toISOString(),
    String(changes),
    `${run.clientUser}@${run.clientHost}`,
    run.rollbackFile ?? '',
  ]);
  const header = ['run', 'status', 'started', 'changes', 'by', 'rollback script'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], colorStatus: boolean) =>
    cells
      .map((cell, i) => {
        const padded = cell.padEnd(widths[i]!);
        return colorStatus && i === 1 ? (paint[cell] ?? ((s: string) => s))(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(header, false), ...rows.map((row) => line(row, true))].join('\n');
}
