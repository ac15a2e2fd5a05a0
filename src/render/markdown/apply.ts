import type { ApplyReport } from '../../executor/apply-plans.js';
import type { StepOutcome, VerifyEntry } from '../../executor/types.js';
import { replicaLagsText } from '../text/apply.js';
import { fitComment, type MarkdownSection } from './comment-limit.js';
import { renderJudgementsMarkdown } from './evidence.js';
import { cell, fence } from './plan.js';

/** A label Mermaid takes as plain text (no `:`, `;`, `#` or quotes, which its grammars read). */
function mermaidLabel(text: string, max = 60): string {
  const plain = text
    .replace(/[:;#"`\n\r]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

/**
 * The steps of the run as a Mermaid gantt chart: one bar per step that ran, one after the other (the
 * executor runs them in order), as long as the step took; retried steps say how many attempts
 * (lock waits), failed ones are drawn as critical.
 */
export function stepTimelineChart(outcomes: readonly StepOutcome[]): string[] {
  const ran = outcomes.filter((outcome) => outcome.durationMs !== null && outcome.status !== 'not_run');
  if (ran.length === 0) return [];
  const lines = ['gantt', '  title Step timeline', '  dateFormat x', '  axisFormat %M:%S'];
  ran.forEach((outcome, i) => {
    const { step } = outcome;
    const tag = outcome.status === 'failed' ? 'crit, ' : outcome.status === 'applied' ? 'done, ' : 'active, ';
    const attempts = outcome.attempts > 1 ? ` (${outcome.attempts} attempts)` : '';
    const start = i === 0 ? '0' : `after s${i - 1}`;
    lines.push(
      `  section ${mermaidLabel(`${step.action} ${step.index}`)}`,
      `  ${mermaidLabel(`${outcome.status}${attempts}`)} :${tag}s${i}, ${start}, ${Math.max(1, outcome.durationMs ?? 0)}ms`,
    );
  });
  return ['### Step timeline', '', fence('mermaid', lines.join('\n')), ''];
}

/** Before and after medians of the verify queries as a Mermaid bar chart (at most `max` queries). */
export function verifyTimingsChart(entries: readonly VerifyEntry[], max = 12): string[] {
  if (entries.length === 0) return [];
  const shown = entries.slice(0, max);
  const labels = shown.flatMap((entry) => {
    const name = mermaidLabel(entry.query, 24);
    return [`"${name} before"`, `"${name} after"`];
  });
  const values = shown.flatMap((entry) => [entry.before.median_ms, entry.after.median_ms]);
  const chart = [
    'xychart-beta',
    '  title "Verify queries: median ms before and after"',
    `  x-axis [${labels.join(', ')}]`,
    '  y-axis "median ms"',
    `  bar [${values.map((value) => Number(value.toFixed(3))).join(', ')}]`,
  ];
  const more =
    entries.length > shown.length ? [`_${entries.length - shown.length} more query(ies) in the table below._`, ''] : [];
  return ['### Verify timings', '', fence('mermaid', chart.join('\n')), '', ...more];
}

/**
 * `apply` as a pull-request or deploy-log comment: one summary line, the outcome per change, the step
 * timeline and the verify timings as Mermaid charts, the evidence table folded, the rollback script;
 * kept under GitHub's comment limit like the plan's comment.
 */
export function renderApplyMarkdown({ plan, result, judgements, savedPlan }: ApplyReport, limit?: number): string {
  const statusOf = new Map(result.steps.map((outcome) => [outcome.step, outcome]));
  const changes = plan.changes.filter((change) => change.action !== 'noop');
  const count = (status: string) => result.steps.filter((outcome) => outcome.status === status).length;
  const verdict = { applied: '✅ applied', noop: '✅ nothing to do', failed: '❌ failed' }[result.status];
  const counts = [`${count('applied')} applied`, `${count('failed')} failed`, `${count('rolled_back')} undone`];
  const notRun = changes.length - result.steps.filter((outcome) => outcome.status !== 'not_run').length;
  if (notRun > 0) counts.push(`${notRun} not run`);
  const head = [
    `## safe-index apply: run ${result.runId} ${result.status}`,
    '',
    `**${verdict}** · ${counts.join(', ')} · ${plan.server.flavor} ${plan.server.version}`,
    '',
    ...(savedPlan ? [`_saved plan ${savedPlan.hash.slice(0, 12)}, made ${savedPlan.createdAt}_`, ''] : []),
  ];
  const table = (rows: number) => {
    if (changes.length === 0) return [];
    const shown = changes.slice(0, rows);
    const lagged = (result.replicas ?? []).length > 0;
    const out = lagged
      ? ['| change | index | table | result | replica lag (max) |', '|---|---|---|---|---|']
      : ['| change | index | table | result |', '|---|---|---|---|'];
    for (const change of shown) {
      const outcome = statusOf.get(change);
      const timing = outcome?.durationMs != null ? ` in ${outcome.durationMs} ms` : '';
      const tries = outcome && outcome.attempts > 1 ? `, ${outcome.attempts} attempts` : '';
      const lag = lagged ? ` ${cell(replicaLagsText(outcome?.replicas ?? [])) || '–'} |` : '';
      out.push(
        `| ${change.action} | \`${cell(change.index)}\` | \`${cell(change.table.name)}\` | ${outcome?.status ?? 'not_run'}${timing}${tries} |${lag}`,
      );
    }
    if (shown.length < changes.length) out.push('', `_${changes.length - shown.length} more change(s) not listed._`);
    return [...out, ''];
  };
  const errors = result.errors.map((error) => `- **error**: ${cell(error.message)}`);
  const replicas = (result.replicas ?? []).length
    ? [`Replicas, largest lag over the run: ${cell(replicaLagsText(result.replicas ?? []))}`, '']
    : [];
  const rollback = result.rollbackFile
    ? `Rollback script: \`${result.rollbackFile}\` (also stored in the database: \`safe-index rollback\`)`
    : `Rollback script: not written; stored with run ${result.runId} in the database (\`safe-index rollback --run ${result.runId} --dry-run\`)`;
  const evidence =
    judgements.length > 0
      ? [
          '<details><summary>Verify queries in detail</summary>',
          '',
          renderJudgementsMarkdown(judgements),
          '</details>',
          '',
        ]
      : [];
  const sections: MarkdownSection[] = [
    { fixed: [...head, ...errors, ...(errors.length > 0 ? [''] : [])] },
    {
      levels: [
        { lines: table(Number.POSITIVE_INFINITY) },
        { lines: (rows) => table(rows), leftOut: 'table rows past the first ones (counted below the table)' },
      ],
    },
    { levels: [{ lines: stepTimelineChart(result.steps) }, { lines: [], leftOut: 'the step timeline' }] },
    { levels: [{ lines: verifyTimingsChart(result.verify) }, { lines: [], leftOut: 'the verify timings chart' }] },
    { levels: [{ lines: evidence }, { lines: [], leftOut: 'the verify query details' }] },
    { fixed: [...replicas, rollback] },
  ];
  return fitComment(sections, {
    ...(limit !== undefined ? { limit } : {}),
    where: `the run's JSON report (\`--format json\`) and \`${result.rollbackFile ?? 'the database'}\``,
  });
}
