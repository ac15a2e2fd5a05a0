import type { UsageReportWithServer } from '../../api/usage.js';
import { formatDuration } from '../../usage/verdict.js';
import { bytes, facts, sourceLines } from '../usage-facts.js';

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
