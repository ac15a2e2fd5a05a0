import type { ApplyReport } from '../../executor/apply-plans.js';
import type { RollbackResult } from '../../executor/rollback.js';
import type { ReplicaLag } from '../../replicas/gate.js';
import { blockerJson, changeJson } from './plan.js';

/** The `apply --format json` document of SPEC: run, status, changes, verify, rollback_file, errors. */
export function applyJson({ plan, result, savedPlan }: ApplyReport) {
  const statusOf = new Map(result.steps.map((outcome) => [outcome.step, outcome.status]));
  const outcomeOf = new Map(result.steps.map((outcome) => [outcome.step, outcome]));
  const blockers = result.errors.flatMap((error) => error.blockers ?? []);
  return {
    run: result.runId,
    status: result.status,
    changes: plan.changes.map((change) => ({
      ...changeJson(change),
      status: change.action === 'noop' ? 'noop' : (statusOf.get(change) ?? 'not_run'),
      // what the build cost: WAL written meanwhile (PostgreSQL) and the new index's size
      ...(outcomeOf.get(change)?.walBytes !== undefined ? { wal_bytes: outcomeOf.get(change)?.walBytes } : {}),
      ...(outcomeOf.get(change)?.indexBytes !== undefined ? { index_bytes: outcomeOf.get(change)?.indexBytes } : {}),
      // the largest lag each replica showed from the start of this step until it had replayed it
      ...(outcomeOf.get(change)?.replicas ? { replicas: replicaLagsJson(outcomeOf.get(change)?.replicas ?? []) } : {}),
    })),
    verify: result.verify,
    replicas: replicaLagsJson(result.replicas ?? []),
    rollback_file: result.rollbackFile,
    errors: result.errors.map(({ blockers: _, ...error }) => error),
    // the sessions a step gave up waiting for, when that is why it failed
    ...(blockers.length > 0 ? { blockers: blockers.map(blockerJson) } : {}),
    ...(savedPlan ? { saved_plan: { hash: savedPlan.hash, created_at: savedPlan.createdAt } } : {}),
  };
}

/** Largest lag per replica as SPEC's JSON shows it: `[{"target", "max_lag_ms"}]` (null: never known). */
export function replicaLagsJson(lags: readonly ReplicaLag[]) {
  return lags.map((lag) => ({ target: lag.target, max_lag_ms: lag.maxLagMs }));
}

/** The `apply --format json` document as text. */
export function renderApplyJson(report: ApplyReport): string {
  return JSON.stringify(applyJson(report), null, 2);
}

/** The `rollback --format json` document. */
export function rollbackJson(result: RollbackResult) {
  return {
    run: result.runId,
    status: result.status,
    steps: result.steps.map((step) => ({ action: step.action, table: step.table, index: step.index, sql: step.sql })),
    ...(result.rolledBackFile ? { rolled_back_file: result.rolledBackFile } : {}),
    ...(result.warnings?.length ? { warnings: result.warnings } : {}),
    ...(result.replicas ? { replicas: replicaLagsJson(result.replicas) } : {}),
    errors: result.errors,
  };
}

/** The `rollback --format json` document as text. */
export function renderRollbackJson(result: RollbackResult): string {
  return JSON.stringify(rollbackJson(result), null, 2);
}
