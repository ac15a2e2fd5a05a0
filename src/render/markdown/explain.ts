import type { ExplainReport } from '../../evidence/explain-now.js';
import type { WhatIfReport } from '../../evidence/what-if.js';
import { renderExplainMarkdown } from './evidence.js';

/** The `explain --format markdown` document. */
export function renderExplainReportMarkdown(report: ExplainReport): string {
  return [
    `# safe-index explain — ${report.server.flavor} ${report.server.version}`,
    '',
    `${report.runs} timed runs per query after one warm-up; nothing was changed.`,
    '',
    renderExplainMarkdown(report.entries),
  ].join('\n');
}

/** `plan --what-if` estimates as a markdown section (always labelled as estimates). */
export function renderWhatIfMarkdown(report: WhatIfReport): string {
  const lines = ['## What-if (estimates)', '', ...report.notes.map((note) => `> ${note}`), ''];
  if (report.estimates.length === 0) return lines.join('\n');
  const built = report.estimates.filter((e) => !e.action);
  const retired = report.estimates.filter((e) => e.action);
  if (built.length > 0) {
    lines.push(
      '| index | query | est. cost now | est. cost with index | planner would use it |',
      '|---|---|---|---|---|',
    );
    for (const e of built) {
      lines.push(
        `| \`${e.index}\` | ${e.name.replaceAll('|', '\\|')} | ${e.costBefore.toFixed(2)} | ${e.costAfter.toFixed(2)} | ${e.wouldUseIndex ? 'yes' : 'no'} |`,
      );
    }
    lines.push('');
  }
  if (retired.length > 0) {
    lines.push(
      '| change | query | est. cost now | est. cost without index | plan without it |',
      '|---|---|---|---|---|',
    );
    for (const e of retired) {
      const paths = e.accessPathsAfter.join('; ').replaceAll('|', '\\|');
      lines.push(
        `| ${e.action} \`${e.index}\` | ${e.name.replaceAll('|', '\\|')} | ${e.costBefore.toFixed(2)} | ${e.costAfter.toFixed(2)} | ${paths} |`,
      );
    }
  }
  return [...lines, ''].join('\n');
}
