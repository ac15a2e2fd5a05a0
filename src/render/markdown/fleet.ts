import type { FleetOutcome } from '../../fleet/waves.js';
import { oneLine } from '../one-line.js';
import { countStatuses, failureText, statusLine } from '../text/fleet.js';

const cell = (text: string) => oneLine(text).replace(/\|/g, '\\|');

/** A fleet as markdown: a table of targets, then each target's own report under its heading. */
export function renderFleetMarkdown<R>(
  outcomes: readonly FleetOutcome<R>[],
  render: (report: R, limit: number) => string,
): string {
  // a pull-request comment holds 65,536 characters: each target gets its share
  const limit = Math.floor(60_000 / Math.max(1, outcomes.length));
  const table = [
    '| target | status | run | error |',
    '|---|---|---|---|',
    ...outcomes.map(
      (o) => `| ${cell(o.target.name)} | ${o.status} | ${o.run ?? ''} | ${cell((o.error ?? '').split('\n')[0]!)} |`,
    ),
  ];
  const sections = outcomes.map((outcome) => {
    const body =
      outcome.result && 'report' in outcome.result ? render(outcome.result.report, limit) : failureText(outcome);
    return `## ${cell(outcome.target.name)}: ${statusLine(outcome)}\n\n${body}`;
  });
  return [`# Fleet: ${countStatuses(outcomes)}`, table.join('\n'), ...sections].join('\n\n');
}
