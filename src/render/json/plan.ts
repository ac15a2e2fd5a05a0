import type { PlanReportWithWhatIf } from '../../api/plan.js';
import type { Blocker } from '../../dialects/executor-types.js';
import type { ReportStep } from '../../planner/types.js';
import type { ChangeUsage } from '../../usage/evidence.js';
import { problemJson } from './errors.js';
import { whatIfJson } from './explain.js';

/** The `usage` member of a change in plan and apply JSON (drops and disables). */
export function changeUsageJson(usage: ChangeUsage) {
  return {
    verdict: usage.verdict,
    scans: usage.scans,
    last_scan: usage.lastScan ? usage.lastScan.toISOString() : null,
  };
}

/** A change as SPEC's JSON shows it (plus a few descriptive keys). */
export function changeJson(change: ReportStep) {
  return {
    action: change.action,
    table: change.table.name,
    index: change.index,
    sql: change.sql,
    rollback: change.rollback,
    online: change.online,
    warnings: change.warnings,
    schema: change.table.schema,
    reversible: change.reversible,
    lock_impact: change.lockImpact,
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.onlineReason ? { online_reason: change.onlineReason } : {}),
    ...(change.onlineSource ? { online_source: change.onlineSource } : {}),
    ...(change.spec.purpose ? { purpose: change.spec.purpose } : {}),
    ...(change.usage ? { usage: changeUsageJson(change.usage) } : {}),
  };
}

/** A session a change would wait for, as SPEC's JSON shows it (plus its kind). */
export function blockerJson(blocker: Blocker) {
  return {
    pid: blocker.pid,
    user: blocker.user,
    application: blocker.application,
    state: blocker.state,
    age_s: blocker.ageS,
    query: blocker.query,
    kind: blocker.kind,
  };
}

/** The `plan --format json` document (with `what_if` when `--what-if` estimates were made). */
export function planJson(report: PlanReportWithWhatIf) {
  return {
    dialect: report.dialect,
    server_version: report.server.version,
    flavor: report.server.flavor,
    changes: report.changes.map(changeJson),
    errors: report.errors.map(problemJson),
    blockers: (report.blockers ?? []).map(blockerJson),
    leftovers: (report.leftovers ?? []).map((l) => ({
      index: l.index,
      table: l.table.name,
      kind: l.kind,
      of: l.of,
      managed: l.managed,
    })),
    ...(report.probe ? { probe: report.probe } : {}),
    replicas: (report.replicas ?? []).map((r) => ({
      target: r.target,
      lag_ms: r.lagMs === null ? null : Math.round(r.lagMs),
      state: r.state,
    })),
    ...(report.whatIf ? { what_if: whatIfJson(report.whatIf) } : {}),
  };
}

/** Renders the plan as the JSON document of SPEC. */
export function renderPlanJson(report: PlanReportWithWhatIf): string {
  return JSON.stringify(planJson(report), null, 2);
}
