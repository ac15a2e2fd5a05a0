import { createColors } from 'picocolors';
import type { UsageReportWithServer } from '../../api/usage.js';
import { formatDuration } from '../../usage/verdict.js';
import { bytes, facts, iso, sourceLines } from '../usage-facts.js';

/** Renders the usage report for a terminal. */
export function renderUsageText(report: UsageReportWithServer, color: boolean): string {
  const c = createColors(color);
  const paint = { used: c.green, unused: c.red, unknown: c.yellow } as const;
  const lines = [
    c.bold(
      `safe-index usage — ${report.server.flavor} ${report.server.version} at ${report.target}, window ${formatDuration(report.windowMs)}${report.recorded ? ' (snapshot recorded)' : ''}`,
    ),
    ...sourceLines(report).map((line) => c.dim(line)),
    '',
  ];
  for (const index of report.indexes) {
    lines.push(
      `${paint[index.verdict](index.verdict.padEnd(7))} ${index.index} on ${index.schema}.${index.table}  ${bytes(index.sizeBytes)}`,
    );
    const about = facts(index);
    if (about.length > 0) lines.push(`        ${about.join('; ')}`);
    for (const source of index.sources) {
      const count = source.scans === null ? '—' : `${source.scans} ${source.unit === 'scans' ? 'scans' : 'rows read'}`;
      const last = source.lastScan ? `, last scan ${iso(source.lastScan)}` : '';
      lines.push(c.dim(`        ${source.target}: ${count}${last} — ${source.verdict}: ${source.reason}`));
    }
  }
  if (report.indexes.length === 0) lines.push('no indexes on the tables asked for');
  return lines.join('\n');
}
