import { createColors } from 'picocolors';
import type { UsageReportWithServer } from '../../api/usage.js';
import type { IndexUsage } from '../../usage/collect.js';
import { formatDuration } from '../../usage/verdict.js';

const iso = (date: Date | null) => (date ? date.toISOString().replace(/\.\d+Z$/, 'Z') : '—');

function bytes(n: number | null): string {
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
function facts(index: IndexUsage): string[] {
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
function sourceLines(report: UsageReportWithServer): string[] {
  return report.sources.flatMap((source) => [
    `${source.target}: ${source.unit === 'scans' ? 'index scans' : 'rows read through each index'}, counters since ${iso(source.since)}` +
      (source.unavailable ? ` — not available: ${source.unavailable}` : ''),
    ...source.resets.map((reset) => `  ! ${reset}`),
  ]);
}

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

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** Renders the usage report as a Markdown table (a pull-request comment or a wiki page). */
export function renderUsageMarkdown(report: UsageReportWithServer): string {
  const out = [
    '## safe-index usage',
    '',
    `**${report.server.flavor} ${report.server.version}** · window ${formatDuration(report.windowMs)}`,
    '',
    ...sourceLines(report).map((line) => `- ${cell(line.trim())}`),
    '',
    '| verdict | index | table | size | per source | notes |',
    '|---|---|---|---|---|---|',
  ];
  for (const index of report.indexes) {
    const perSource = index.sources
      .map((s) => `${s.target}: ${s.scans ?? '—'} ${s.unit === 'scans' ? 'scans' : 'rows read'} (${s.verdict})`)
      .join('<br>');
    out.push(
      `| ${index.verdict} | \`${cell(index.index)}\` | \`${cell(index.table)}\` | ${bytes(index.sizeBytes)} | ${cell(perSource)} | ${cell(facts(index).join('; '))} |`,
    );
  }
  return out.join('\n');
}
