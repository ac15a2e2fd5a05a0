import { createTwoFilesPatch } from 'diff';
import type { PlanReportWithWhatIf } from '../../api/plan.js';
import { formatProblem } from '../../errors.js';
import { oneLine } from '../../report/one-line.js';
import { renderWhatIfMarkdown } from './evidence-markdown.js';
import { planSummary, savedPlanLine } from './plan-text.js';

const icons = {
  create: '🟢 create',
  drop: '🔴 drop',
  replace: '🟡 replace',
  disable: '🟣 disable',
  enable: '🔵 enable',
  noop: '⚪ noop',
} as const;

function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

function fence(language: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${body}\n${ticks}`;
}

/** Renders the plan as a GitHub pull-request comment. */
export function renderPlanMarkdown(report: PlanReportWithWhatIf): string {
  const out: string[] = [
    '## safe-index plan',
    '',
    `**${report.server.flavor} ${report.server.version}** · ${planSummary(report)}`,
    '',
  ];
  if (report.saved) out.push(`_${savedPlanLine(report.saved)}_`, '');
  if (report.changes.length > 0) {
    out.push('| | index | table | online | notes |', '|---|---|---|---|---|');
    for (const change of report.changes) {
      const online = change.action === 'noop' ? '' : change.online ? '✅' : '⛔ blocking';
      const notes = [change.reason, ...change.warnings].filter(Boolean).join('; ');
      out.push(
        `| ${icons[change.action]} | \`${cell(change.index)}\` | \`${cell(change.table.name)}\` | ${online} | ${cell(notes)} |`,
      );
    }
    out.push('');
  }
  const pending = report.changes.filter((change) => change.action !== 'noop');
  for (const change of pending) {
    out.push(`### ${change.action} \`${cell(change.index)}\``, '');
    if (change.spec.purpose) out.push(`_${cell(change.spec.purpose)}_`, '');
    out.push(`Lock: ${change.lockImpact}`, '', fence('sql', change.sql.map((sql) => `${sql};`).join('\n')), '');
    out.push('<details><summary>Rollback SQL</summary>', '');
    out.push(
      change.reversible ? fence('sql', change.rollback.map((sql) => `${sql};`).join('\n')) : '_not reversible_',
      '',
      '</details>',
      '',
    );
  }
  for (const table of report.definitions) {
    const name = cell(`${table.schema}.${table.table}`);
    const patch = createTwoFilesPatch(
      name,
      name,
      `${table.before.join('\n')}\n`,
      `${table.after.join('\n')}\n`,
      'before',
      'after',
      {
        context: 50,
      },
    );
    const body = patch.split('\n').slice(2).join('\n').trimEnd();
    out.push(
      `<details><summary>Indexes of <code>${name}</code> before → after</summary>`,
      '',
      fence('diff', body),
      '',
      '</details>',
      '',
    );
  }
  if (report.errors.length > 0) {
    out.push('### Errors', '');
    for (const problem of report.errors) out.push(`- ${cell(formatProblem(problem))}`);
    out.push('');
  }
  if (report.whatIf) out.push(renderWhatIfMarkdown(report.whatIf));
  return out.join('\n').trimEnd();
}
