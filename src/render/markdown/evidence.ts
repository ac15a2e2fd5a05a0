import type { ExplainEntry, VerifyJudgement } from '../../evidence/types.js';
import { formatMs, formatSpeedup, planSummary, spread, timingNote, yesNo } from '../measurement.js';
import { oneLine } from '../one-line.js';

function cell(text: string): string {
  return oneLine(text).replaceAll('|', '\\|');
}

function row(cells: string[]): string {
  return `| ${cells.map(cell).join(' | ')} |`;
}

function failureLines(items: Array<{ name: string; index: string; failures: { message: string }[] }>): string[] {
  const lines = items.flatMap((item) =>
    item.failures.map((failure) => `- **${cell(item.name)}** (\`${cell(item.index)}\`): ${cell(failure.message)}`),
  );
  return lines.length > 0 ? ['', '**Failed:**', '', ...lines] : [];
}

/** Before/after evidence of an apply as a markdown section. */
export function renderJudgementsMarkdown(judgements: readonly VerifyJudgement[]): string {
  if (judgements.length === 0) return '## Verify queries\n\nNo verify queries were measured.\n';
  const lines = [
    '## Verify queries',
    '',
    row(['index', 'query', 'before', 'after', 'speedup', 'uses index', 'plan before', 'plan after', 'result']),
    row(Array(9).fill('---')),
    ...judgements.map((j) =>
      row([
        `\`${j.target.index}\``,
        j.target.query.name,
        `${formatMs(j.before?.medianMs)} (${spread(j.before)})`,
        `${formatMs(j.after?.medianMs)} (${spread(j.after)})`,
        formatSpeedup(j.speedup),
        `${yesNo(j.usesIndexBefore)} → ${yesNo(j.usesIndexAfter)}`,
        planSummary(j.before),
        planSummary(j.after),
        j.failures.length === 0 ? 'ok' : `**failed** (${j.failures.map((f) => f.kind).join(', ')})`,
      ]),
    ),
    ...failureLines(judgements.map((j) => ({ name: j.target.query.name, index: j.target.index, ...j }))),
    '',
    `_${timingNote}_`,
    '',
  ];
  return lines.join('\n');
}

/** Verify queries timed now as a markdown section. */
export function renderExplainMarkdown(entries: readonly ExplainEntry[]): string {
  if (entries.length === 0) return '## Verify queries\n\nThe plans have no verify queries.\n';
  const lines = [
    '## Verify queries (timed now)',
    '',
    row(['index', 'query', 'median', 'spread', 'uses index', 'plan', 'rows examined', 'result']),
    row(Array(8).fill('---')),
    ...entries.map((e) =>
      row([
        `\`${e.target.index}\``,
        e.target.query.name,
        formatMs(e.measurement?.medianMs),
        spread(e.measurement),
        yesNo(e.usesIndex),
        planSummary(e.measurement),
        e.measurement?.rowsExamined === undefined ? '-' : String(e.measurement.rowsExamined),
        e.failures.length === 0 ? 'ok' : `**failed** (${e.failures.map((f) => f.kind).join(', ')})`,
      ]),
    ),
    ...failureLines(entries.map((e) => ({ name: e.target.query.name, index: e.target.index, ...e }))),
    '',
    `_${timingNote}_`,
    '',
  ];
  return lines.join('\n');
}
