import pc from 'picocolors';
import { formatProblem } from '../../errors.js';
import type { FleetOutcome } from '../../fleet/waves.js';

/** `applied (run 3)`. */
export const statusLine = (outcome: FleetOutcome<unknown>) =>
  `${outcome.status}${outcome.run !== null ? ` (run ${outcome.run})` : ''}`;

/** The body of a target that has no report: its error, or why it did not run. */
export function failureText(outcome: FleetOutcome<unknown>): string {
  if (outcome.result === null) return 'not started: an earlier target failed; nothing was changed here';
  if ('report' in outcome.result) return '';
  const { failure } = outcome.result;
  return failure.problems
    ? failure.problems.map((problem) => `error: ${formatProblem(problem)}`).join('\n')
    : `error: ${failure.message}`;
}

/** A fleet as text: each target's own report under a heading that names it, then one line per target. */
export function renderFleetText<R>(
  outcomes: readonly FleetOutcome<R>[],
  render: (report: R) => string,
  color: boolean,
): string {
  const c = pc.createColors(color);
  const paint: Record<string, (s: string) => string> = {
    applied: c.green,
    in_sync: c.green,
    rolled_back: c.yellow,
    pending: c.yellow,
    failed: c.red,
    skipped: c.dim,
    noop: c.dim,
  };
  const sections = outcomes.map((outcome) => {
    const body = outcome.result && 'report' in outcome.result ? render(outcome.result.report) : failureText(outcome);
    return `${c.bold(`== ${outcome.target.name}`)} ${outcome.target.display}: ${(paint[outcome.status] ?? String)(statusLine(outcome))}\n${body}`;
  });
  const width = Math.max(...outcomes.map((outcome) => outcome.target.name.length));
  const summary = outcomes.map(
    (outcome) =>
      `  ${outcome.target.name.padEnd(width)}  ${(paint[outcome.status] ?? String)(statusLine(outcome))}${outcome.error ? `: ${outcome.error.split('\n')[0]}` : ''}`,
  );
  return [...sections, `fleet: ${countStatuses(outcomes)}\n${summary.join('\n')}`].join('\n\n');
}

/** `2 applied, 1 failed, 1 skipped`. */
export function countStatuses(outcomes: readonly FleetOutcome<unknown>[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome.status, (counts.get(outcome.status) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
}
