import { createColors } from 'picocolors';
import type { PlanReportWithWhatIf } from '../../api/plan.js';
import { describeBlocker } from '../../dialects/executor-types.js';
import { formatProblem } from '../../errors.js';
import type { PlanReport, ReportStep } from '../../planner/types.js';
import { defaultMaxReplicaLagMs } from '../../replicas/gate.js';
import { formatLag, type ReplicaStatus, withinBound } from '../../replicas/types.js';
import type { SavedPlan } from '../../saved-plan/document.js';
import { renderWhatIfText } from './evidence.js';

/** `running, lag 1.2s` or `stopped: SQL thread not running`. */
export function replicaStatusText(replica: ReplicaStatus): string {
  const lag = replica.lagMs === null ? 'lag unknown' : `lag ${formatLag(replica.lagMs)}`;
  return `${replica.state}, ${lag}${replica.reason ? ` (${replica.reason})` : ''}`;
}

const symbols = { create: '+', drop: '-', replace: '~', disable: '◌', enable: '●', noop: '=' } as const;

/** Counts of changes per action, e.g. `1 to create, 0 to replace, 0 to drop, 2 in sync`. */
export function planSummary(report: Pick<PlanReport, 'changes' | 'errors'>): string {
  const count = (action: ReportStep['action']) => report.changes.filter((change) => change.action === action).length;
  const parts = [
    `${count('create')} to create`,
    `${count('replace')} to replace`,
    `${count('drop')} to drop`,
    ...(count('disable') > 0 ? [`${count('disable')} to disable`] : []),
    ...(count('enable') > 0 ? [`${count('enable')} to enable`] : []),
    `${count('noop')} in sync`,
  ];
  if (report.errors.length > 0) parts.push(`${report.errors.length} error${report.errors.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** Which saved plan this is: hash, when and where it was made, the tool that made it. */
export function savedPlanLine(saved: SavedPlan): string {
  return `saved plan ${saved.hash.slice(0, 12)}, made ${saved.created_at} by safe-index ${saved.tool_version} on ${saved.target.host}/${saved.target.database}`;
}

/** Renders the plan for a terminal (colour only when `color`). */
export function renderPlanText(report: PlanReportWithWhatIf, color: boolean): string {
  const c = createColors(color);
  const paint = {
    create: c.green,
    drop: c.red,
    replace: c.yellow,
    disable: c.magenta,
    enable: c.cyan,
    noop: c.dim,
  } as const;
  const lines: string[] = [
    c.bold(`safe-index plan — ${report.server.flavor} ${report.server.version} at ${report.target}`),
    '',
  ];
  if (report.saved) lines.splice(1, 0, savedPlanLine(report.saved));
  for (const change of report.changes) {
    const colour = paint[change.action];
    const online = change.action === 'noop' ? '' : change.online ? c.green(' online') : c.red(' NOT ONLINE');
    lines.push(
      colour(`${symbols[change.action]} ${change.action.padEnd(7)} ${change.index}`) +
        ` on ${change.table.schema}.${change.table.name}${online}`,
    );
    if (change.spec.purpose) lines.push(c.dim(`    purpose:  ${change.spec.purpose}`));
    if (change.reason) lines.push(`    why:      ${change.reason}`);
    if (change.action !== 'noop') {
      lines.push(`    lock:     ${change.lockImpact}`);
      change.sql.forEach((sql, i) => lines.push(`    ${i === 0 ? 'sql:     ' : '         '} ${sql};`));
      if (change.reversible) {
        change.rollback.forEach((sql, i) => lines.push(c.dim(`    ${i === 0 ? 'rollback:' : '         '} ${sql};`)));
      } else lines.push(c.yellow('    rollback: not reversible'));
    }
    for (const warning of change.warnings) lines.push(c.yellow(`    ! ${warning}`));
  }
  if (report.changes.length > 0) lines.push('');
  if (report.probe) {
    const paintProbe = report.probe.status === 'ran' ? c.dim : c.yellow;
    lines.push(paintProbe(`online check: ${report.probe.message}`), '');
  }
  for (const problem of report.errors) lines.push(c.red(`error: ${formatProblem(problem)}`));
  for (const leftover of report.leftovers ?? []) {
    const what = `${leftover.kind} index ${leftover.index} on ${leftover.table.schema}.${leftover.table.name}`;
    lines.push(
      c.yellow(
        leftover.managed
          ? `leftover: ${what} (managed name ${leftover.of}: apply repairs it)`
          : `! leftover: ${what} (no plan names ${leftover.of}: not touched; drop it with DROP INDEX CONCURRENTLY)`,
      ),
    );
  }
  if (report.blockers?.length) {
    lines.push(c.yellow(`Sessions the changes would wait for now (apply waits for them per --blockers):`));
    for (const blocker of report.blockers ?? [])
      lines.push(c.yellow(`  ${blocker.kind.padEnd(8)} ${describeBlocker(blocker)}`));
    lines.push('');
  }
  if (report.replicas?.length) {
    const bound = report.plan.settings.maxReplicaLagMs ?? defaultMaxReplicaLagMs;
    lines.push(`Replicas (apply waits before each step until each is within max_replica_lag ${formatLag(bound)}):`);
    for (const replica of report.replicas) {
      const line = `  ${replica.target}: ${replicaStatusText(replica)}`;
      lines.push(withinBound(replica, bound) ? line : c.yellow(line));
    }
    lines.push('');
  }
  lines.push(c.bold(`Plan: ${planSummary(report)}.`));
  if (report.whatIf) lines.push('', renderWhatIfText(report.whatIf));
  return lines.join('\n');
}
