import { createColors } from 'picocolors';
import type { ExplainReport } from '../../evidence/explain-now.js';
import type { VerifyJudgement } from '../../evidence/types.js';
import type { WhatIfReport } from '../../evidence/what-if.js';
import { formatMs, formatSpeedup, planSummary, spread, timingNote, yesNo } from '../measurement.js';

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cellText, i) => cellText.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

function truncate(text: string, max = 48): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Before/after evidence of an apply, for a terminal. */
export function renderJudgementsText(judgements: readonly VerifyJudgement[], color: boolean): string {
  const c = createColors(color);
  if (judgements.length === 0) return 'verify: no verify queries for the changed indexes';
  const rows = judgements.map((j) => [
    j.target.index,
    truncate(j.target.query.name, 32),
    formatMs(j.before?.medianMs),
    formatMs(j.after?.medianMs),
    formatSpeedup(j.speedup),
    `${yesNo(j.usesIndexBefore)} -> ${yesNo(j.usesIndexAfter)}`,
    j.planChanged ? 'changed' : 'same',
    j.failures.length === 0 ? 'ok' : `FAILED (${j.failures.map((f) => f.kind).join(', ')})`,
  ]);
  const lines = [
    c.bold('verify (median of timed runs, server-measured):'),
    ...table(['index', 'query', 'before', 'after', 'speedup', 'uses index', 'plan', 'result'], rows),
  ];
  for (const j of judgements) {
    lines.push(`  ${j.target.query.name}:`);
    lines.push(`    before: ${planSummary(j.before)} (${spread(j.before)})`);
    lines.push(`    after:  ${planSummary(j.after)} (${spread(j.after)})`);
    for (const failure of j.failures) lines.push(c.red(`    ${failure.kind}: ${failure.message}`));
  }
  lines.push(c.dim(timingNote));
  return lines.join('\n');
}

/** The `explain` report for a terminal. */
export function renderExplainText(report: ExplainReport, color: boolean): string {
  const c = createColors(color);
  const lines = [
    c.bold(`safe-index explain — ${report.server.flavor} ${report.server.version} at ${report.target}`),
    `${report.entries.length} verify quer${report.entries.length === 1 ? 'y' : 'ies'}, ${report.runs} timed runs each after one warm-up; nothing was changed`,
    '',
  ];
  if (report.entries.length === 0) return [...lines, 'The plans have no verify queries.'].join('\n');
  const rows = report.entries.map((e) => [
    e.target.index,
    truncate(e.target.query.name, 32),
    formatMs(e.measurement?.medianMs),
    formatMs(e.measurement?.minMs),
    formatMs(e.measurement?.maxMs),
    yesNo(e.usesIndex),
    e.measurement?.rowsExamined === undefined ? '-' : String(e.measurement.rowsExamined),
    e.failures.length === 0 ? 'ok' : `FAILED (${e.failures.map((f) => f.kind).join(', ')})`,
  ]);
  lines.push(...table(['index', 'query', 'median', 'min', 'max', 'uses index', 'rows examined', 'result'], rows));
  for (const e of report.entries) {
    lines.push(`  ${e.target.query.name}: ${planSummary(e.measurement)}`);
    for (const failure of e.failures) lines.push(c.red(`    ${failure.kind}: ${failure.message}`));
  }
  lines.push(c.dim(timingNote));
  return lines.join('\n');
}

/** `plan --what-if` estimates for a terminal (always labelled as estimates). */
export function renderWhatIfText(report: WhatIfReport): string {
  const lines = [...report.notes];
  if (report.estimates.length === 0) return lines.join('\n');
  const built = report.estimates.filter((e) => !e.action);
  const retired = report.estimates.filter((e) => e.action);
  if (built.length > 0) {
    const rows = built.map((e) => [
      e.index,
      truncate(e.name, 32),
      e.costBefore.toFixed(2),
      e.costAfter.toFixed(2),
      yesNo(e.wouldUseIndex),
    ]);
    lines.push(...table(['index', 'query', 'est. cost now', 'est. cost with index', 'planner would use it'], rows));
  }
  if (retired.length > 0) {
    if (built.length > 0) lines.push('');
    const rows = retired.map((e) => [
      `${e.action} ${e.index}`,
      truncate(e.name, 32),
      e.costBefore.toFixed(2),
      e.costAfter.toFixed(2),
      e.accessPathsAfter.join('; '),
    ]);
    lines.push(...table(['change', 'query', 'est. cost now', 'est. cost without index', 'plan without it'], rows));
  }
  return lines.join('\n');
}
