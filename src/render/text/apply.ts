import pc from 'picocolors';
import type { ApplyReport } from '../../executor/apply-plans.js';
import type { RollbackResult, UndoStep } from '../../executor/rollback.js';
import type { ReplicaLag } from '../../replicas/gate.js';
import { formatLag } from '../../replicas/types.js';
import { oneLine } from '../one-line.js';
import { renderJudgementsText } from './evidence.js';

const paint = (color: boolean) => pc.createColors(color);

/** `apply` as text: one line per change with its outcome, problems, and the rollback script. */
export function renderApplyText({ plan, result, judgements }: ApplyReport, color: boolean): string {
  const c = paint(color);
  const statusOf = new Map(result.steps.map((outcome) => [outcome.step, outcome]));
  const lines: string[] = [];
  const headline = {
    applied: c.green(`run ${result.runId}: applied`),
    noop: c.green(`run ${result.runId}: nothing to do, every index is in sync`),
    failed: c.red(`run ${result.runId}: failed`),
  }[result.status];
  lines.push(headline);
  for (const change of plan.changes) {
    if (change.action === 'noop') continue;
    const outcome = statusOf.get(change);
    const status = outcome?.status ?? 'not_run';
    const painted = status === 'applied' ? c.green(status) : status === 'failed' ? c.red(status) : c.yellow(status);
    const timing = outcome?.durationMs != null ? ` in ${outcome.durationMs}ms` : '';
    const tries = outcome && outcome.attempts > 1 ? `, ${outcome.attempts} attempts` : '';
    const lag = outcome?.replicas?.length ? `; replica lag max ${replicaLagsText(outcome.replicas)}` : '';
    lines.push(`  ${change.action} ${change.index} on ${change.table.name}: ${painted}${timing}${tries}${lag}`);
  }
  if (judgements.length > 0) lines.push('', renderJudgementsText(judgements, color), '');
  else {
    for (const entry of result.verify) {
      lines.push(
        `  verify ${entry.query}: ${entry.before.median_ms}ms -> ${entry.after.median_ms}ms (x${entry.speedup.toFixed(2)})`,
      );
    }
  }
  for (const error of result.errors) lines.push(c.red(`error: ${error.message}`));
  if (result.replicas?.length) lines.push(`replicas, largest lag over the run: ${replicaLagsText(result.replicas)}`);
  lines.push(
    result.rollbackFile
      ? `rollback script: ${result.rollbackFile}`
      : `rollback script: not written; stored with run ${result.runId} in the database`,
  );
  return lines.join('\n');
}

/** `3.2s on mysql://app@replica/db, 0ms on si_standby@10.0.0.5` (`unknown` where no lag was ever read). */
export function replicaLagsText(lags: readonly ReplicaLag[]): string {
  return lags
    .map((lag) => `${lag.maxLagMs === null ? 'unknown' : formatLag(lag.maxLagMs)} on ${oneLine(lag.target)}`)
    .join(', ');
}

/** The statements of undo steps as a commented script, in the order they run. */
export function renderUndoSql(steps: readonly UndoStep[]): string {
  return steps
    .flatMap((step) => [
      `-- undo ${oneLine(step.action)} ${oneLine(step.index)} on ${oneLine(step.table)}`,
      ...step.sql.map((sql) => `${sql};`),
    ])
    .join('\n');
}

/** `rollback` as text: what was (or would be) undone, with the statements. */
export function renderRollbackText(result: RollbackResult, color: boolean): string {
  const c = paint(color);
  if (result.status === 'nothing_to_undo') {
    return result.runId === null ? 'nothing to undo' : `nothing to undo in run ${result.runId}`;
  }
  const lines: string[] = [];
  if (result.status === 'dry_run') {
    lines.push(`-- rollback of run ${result.runId} (dry run: nothing executed)`);
    for (const warning of result.warnings ?? []) lines.push(`-- warning: ${oneLine(warning)}`);
    lines.push(renderUndoSql(result.steps));
    return lines.join('\n');
  }
  lines.push(
    result.status === 'rolled_back'
      ? c.green(`run ${result.runId}: rolled back`)
      : c.red(`run ${result.runId}: rollback failed`),
  );
  if (result.steps.length > 0) lines.push(renderUndoSql(result.steps));
  for (const warning of result.warnings ?? []) lines.push(c.yellow(`warning: ${warning}`));
  for (const error of result.errors) lines.push(c.red(`error: ${error.message}`));
  if (result.replicas?.length) lines.push(`replicas, largest lag: ${replicaLagsText(result.replicas)}`);
  if (result.rolledBackFile) lines.push(`statements run: ${result.rolledBackFile}`);
  return lines.join('\n');
}
