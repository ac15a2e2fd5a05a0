import type { UsageReportWithServer } from '../api/usage.js';
import type { IndexUsage } from '../usage/collect.js';

/** A time as ISO 8601 to the second, or a dash. */
export const iso = (date: Date | null) => (date ? date.toISOString().replace(/\.\d+Z$/, 'Z') : '—');

/** A size in bytes for people (kB, MB, ...), or a dash. */
export function bytes(n: number | null): string {
  if (n === null) return '—';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Facts of one index beside its verdict: constraint, managed, redundancy, foreign keys. */
export function facts(index: IndexUsage): string[] {
  const out: string[] = [];
  if (index.constraint) out.push('enforces a constraint');
  if (index.managed) out.push('managed by a plan');
  if (index.redundantTo.length > 0) out.push(`redundant to ${index.redundantTo.join(', ')}`);
  if (index.neededByForeignKeys.length > 0) {
    out.push(`the only index for foreign key ${index.neededByForeignKeys.join(', ')}`);
  }
  return out;
}

/** Source lines every format shares: unit, since, why unavailable, resets. */
export function sourceLines(report: UsageReportWithServer): string[] {
  return report.sources.flatMap((source) => [
    `${source.target}: ${source.unit === 'scans' ? 'index scans' : 'rows read through each index'}, counters since ${iso(source.since)}` +
      (source.unavailable ? ` — not available: ${source.unavailable}` : ''),
    ...source.resets.map((reset) => `  ! ${reset}`),
  ]);
}
