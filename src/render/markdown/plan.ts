import { createTwoFilesPatch } from 'diff';
import type { PlanReportWithWhatIf } from '../../api/plan.js';
import type { Blocker } from '../../dialects/executor-types.js';
import { formatProblem } from '../../errors.js';
import type { ReportStep } from '../../planner/types.js';
import { formatLag, type ReplicaStatus } from '../../replicas/types.js';
import { oneLine } from '../one-line.js';
import { planSummary, savedPlanLine } from '../text/plan.js';
import { fitComment, type MarkdownSection } from './comment-limit.js';
import { renderWhatIfMarkdown } from './explain.js';

const icons: Record<ReportStep['action'], string> = {
  create: '🟢 create',
  drop: '🔴 drop',
  replace: '🟡 replace',
  disable: '🟣 disable',
  enable: '🔵 enable',
  noop: '⚪ noop',
};

/** A session a change would wait for now (the plan's `blockers`), as far as the comment shows it (not its kind). */
export type BlockerEvidence = Omit<Blocker, 'kind'>;

/** A drop's or disable's usage evidence (a change's `usage`), as far as the comment shows it. */
export interface UsageEvidence {
  verdict: string;
  scans: number | null;
  lastScan: Date | null;
}

/**
 * What the pull-request comment reads: the plan report, plus the evidence other parts of the plan
 * may attach (blockers of the changes, usage of the indexes a change takes out of use); each is
 * rendered when present.
 */
export type PlanMarkdownInput = Omit<PlanReportWithWhatIf, 'blockers'> & {
  blockers?: readonly BlockerEvidence[];
  changes: readonly (ReportStep & { usage?: UsageEvidence })[];
};

/** A text made safe for one table cell. */
export function cell(text: string): string {
  return oneLine(text).replace(/\|/g, '\\|');
}

/** A fenced code block whose fence the body cannot close. */
export function fence(language: string, body: string): string {
  const ticks = body.includes('```') ? '````' : '```';
  return `${ticks}${language}\n${body}\n${ticks}`;
}

/** The plan's verdict at a glance: errors, needs `--allow-blocking`, safe online, or in sync. */
export function planVerdict(report: PlanMarkdownInput): string {
  const pending = report.changes.filter((change) => change.action !== 'noop');
  if (report.errors.length > 0) return '❌ errors';
  if (pending.some((change) => !change.online)) return '⚠️ needs `--allow-blocking`';
  return pending.length > 0 ? '✅ safe online' : '✅ in sync';
}

function usageNote(usage: UsageEvidence | undefined): string {
  if (!usage) return '';
  const scans = usage.scans === null ? 'scans unknown' : `${usage.scans} scans`;
  const last = usage.lastScan ? `, last ${usage.lastScan.toISOString().slice(0, 10)}` : '';
  return `usage: ${usage.verdict} (${scans}${last})`;
}

function changeRow(change: PlanMarkdownInput['changes'][number]): string {
  const online = change.action === 'noop' ? '' : change.online ? '✅' : '⛔ blocking';
  const notes = [change.reason, usageNote(change.usage), ...change.warnings].filter(Boolean).join('; ');
  return `| ${icons[change.action]} | \`${cell(change.index)}\` | \`${cell(change.table.name)}\` | ${online} | ${cell(notes)} |`;
}

/** The table of changes; `limit` rows at most (pending changes first), saying how many are left out. */
function changeTable(report: PlanMarkdownInput, limit: number, withNoop: boolean): string[] {
  const pending = report.changes.filter((change) => change.action !== 'noop');
  const noop = report.changes.filter((change) => change.action === 'noop');
  const rows = [...pending, ...(withNoop ? noop : [])];
  if (rows.length === 0) return [];
  const shown = rows.slice(0, limit);
  const out = ['| | index | table | online | notes |', '|---|---|---|---|---|', ...shown.map(changeRow)];
  const left = [];
  if (rows.length > shown.length) left.push(`${rows.length - shown.length} more change(s) not listed`);
  if (!withNoop && noop.length > 0) left.push(`${noop.length} index(es) in sync not listed`);
  if (left.length > 0) out.push('', `_${left.join('; ')}._`);
  return [...out, ''];
}

function changeDetails(change: ReportStep, withRollback: boolean): string[] {
  const out = [`#### ${change.action} \`${cell(change.index)}\` on \`${cell(change.table.name)}\``, ''];
  if (change.spec.purpose) out.push(`_${cell(change.spec.purpose)}_`, '');
  out.push(`Lock: ${cell(change.lockImpact)}`, '', fence('sql', change.sql.map((sql) => `${sql};`).join('\n')), '');
  if (withRollback) {
    out.push(
      'Rollback:',
      '',
      change.reversible ? fence('sql', change.rollback.map((sql) => `${sql};`).join('\n')) : '_not reversible_',
      '',
    );
  }
  return out;
}

function details(summary: string, body: string[]): string[] {
  return [`<details><summary>${summary}</summary>`, '', ...body, '</details>', ''];
}

function definitionDiff(table: PlanMarkdownInput['definitions'][number]): string[] {
  const name = cell(`${table.schema}.${table.table}`);
  const text = (lines: string[]) => `${lines.join('\n')}\n`;
  const patch = createTwoFilesPatch(name, name, text(table.before), text(table.after), 'before', 'after', {
    context: 50,
  });
  const body = patch.split('\n').slice(2).join('\n').trimEnd();
  return details(`Indexes of <code>${name}</code> before → after`, [fence('diff', body), '']);
}

function replicaLines(replicas: readonly ReplicaStatus[]): string[] {
  if (replicas.length === 0) return [];
  return [
    `### Replicas (${replicas.length})`,
    '',
    '| replica | state | lag |',
    '|---|---|---|',
    ...replicas.map(
      (r) =>
        `| \`${cell(r.target)}\` | ${cell(r.state)}${r.reason ? `: ${cell(r.reason)}` : ''} | ${r.lagMs === null ? 'unknown' : formatLag(r.lagMs)} |`,
    ),
    '',
  ];
}

function blockerLines(blockers: readonly BlockerEvidence[]): string[] {
  if (blockers.length === 0) return [];
  return [
    `### Sessions a change would wait for now (${blockers.length})`,
    '',
    '| pid | user | application | state | age | query |',
    '|---|---|---|---|---|---|',
    ...blockers.map(
      (b) =>
        `| ${b.pid} | ${cell(b.user)} | ${cell(b.application)} | ${cell(b.state)} | ${b.ageS}s | \`${cell(b.query.slice(0, 120))}\` |`,
    ),
    '',
  ];
}

/**
 * Renders the plan as a GitHub pull-request comment: one summary line with counts and the verdict, a
 * table of changes, then the details collapsed. Stays under GitHub's 65,536-character comment limit by
 * leaving out details (diffs, rollback SQL, all SQL, then table rows), and says what it left out.
 */
export function renderPlanMarkdown(report: PlanMarkdownInput, limit?: number): string {
  const pending = report.changes.filter((change) => change.action !== 'noop');
  const head = [
    '## safe-index plan',
    '',
    `**${planVerdict(report)}** · ${planSummary(report)} · ${report.server.flavor} ${report.server.version}`,
    '',
    ...(report.saved ? [`_${savedPlanLine(report.saved)}_`, ''] : []),
  ];
  const errors =
    report.errors.length > 0
      ? ['### Errors', '', ...report.errors.map((problem) => `- ${cell(formatProblem(problem))}`), '']
      : [];
  const sqlDetails = (withRollback: boolean, rows = pending.length) => {
    if (pending.length === 0 || rows === 0) return [];
    const shown = pending.slice(0, rows);
    const what = withRollback ? 'and their rollback' : '(rollback left out)';
    const summary =
      shown.length < pending.length
        ? `SQL of the first ${shown.length} of ${pending.length} changes ${what}`
        : `SQL of the ${pending.length} change(s) ${what}`;
    return details(
      summary,
      shown.flatMap((change) => changeDetails(change, withRollback)),
    );
  };
  const sections: MarkdownSection[] = [
    { fixed: [...head, ...errors] },
    {
      levels: [
        { lines: changeTable(report, Number.POSITIVE_INFINITY, true) },
        { lines: changeTable(report, Number.POSITIVE_INFINITY, false), leftOut: 'the rows of indexes in sync' },
        {
          lines: (rows) => changeTable(report, rows, false),
          leftOut: 'table rows past the first ones (counted below the table)',
        },
      ],
    },
    { fixed: blockerLines(report.blockers ?? []) },
    { fixed: report.probe ? [`_Online check: ${cell(report.probe.message)}._`, ''] : [] },
    { fixed: replicaLines(report.replicas ?? []) },
    {
      levels: [
        { lines: sqlDetails(true) },
        { lines: sqlDetails(false), leftOut: 'the rollback SQL' },
        { lines: (rows) => sqlDetails(false, rows), leftOut: 'the SQL of the changes past the first ones' },
      ],
    },
    {
      levels: [
        { lines: report.definitions.flatMap(definitionDiff) },
        { lines: [], leftOut: 'the before → after index diffs' },
      ],
    },
    { fixed: report.whatIf ? [renderWhatIfMarkdown(report.whatIf)] : [] },
  ];
  return fitComment(sections, {
    ...(limit !== undefined ? { limit } : {}),
    where: report.saved ? 'the saved plan (`safe-index show`)' : '`--format text` or `--format json`',
  });
}
