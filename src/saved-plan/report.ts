import { parseVersion, type ServerInfo } from '../connection/drivers.js';
import type { ChangeAction } from '../model/change.js';
import type { LiveSchema } from '../model/schema.js';
import type { PlanIndexSpec } from '../plan-file/types.js';
import type { PlanReport, SavedStep } from '../planner/types.js';
import type { SavedChange, SavedPlan } from './document.js';

/** The server a saved plan was made on, as far as the document says (for `show`, which does not connect). */
export function savedServer(plan: SavedPlan): ServerInfo {
  return {
    dialect: plan.target.dialect,
    flavor: plan.target.flavor as ServerInfo['flavor'],
    ...parseVersion(plan.target.server_version),
    version: plan.target.server_version,
    database: plan.target.database,
    defaultSchema: '',
  };
}

/** A saved change as the plan entry it came from (verify queries point into the saved plan file). */
function specOf(change: SavedChange, file: string): PlanIndexSpec {
  const source = { file, line: 0, column: 0 };
  return {
    name: change.index,
    table: change.table,
    schema: change.schema,
    columns: [],
    unique: false,
    include: [],
    state: change.state as PlanIndexSpec['state'],
    ...(change.purpose ? { purpose: change.purpose } : {}),
    verify: change.verify.map((query) => ({ ...query, source })),
    source,
    positions: {},
  };
}

/** A saved change as the step `apply` runs and the renderers show: exactly the saved statements. */
function stepOf(change: SavedChange, file: string): SavedStep {
  return {
    // the plan's hash (checked on read) says the tool wrote it, so it is an action the tool makes
    action: change.action as ChangeAction,
    table: { schema: change.schema, name: change.table },
    index: change.index,
    warnings: [...change.warnings],
    ...(change.reason ? { reason: change.reason } : {}),
    sql: [...change.sql],
    rollback: [...change.rollback],
    online: change.online,
    ...(change.online_reason ? { onlineReason: change.online_reason } : {}),
    reversible: change.reversible,
    lockImpact: change.lock_impact,
    ...(change.undo ? { undo: change.undo.map((statements) => [...statements]) } : {}),
    spec: specOf(change, file),
  };
}

/** The saved plan as a plan report: what `show` prints and what `apply FILE` runs, in the saved order. */
export function savedPlanReport(
  plan: SavedPlan,
  where: { file: string; server?: ServerInfo; target?: string; live?: LiveSchema },
): PlanReport<SavedStep> {
  const changes = plan.changes.map((change) => stepOf(change, where.file));
  return {
    dialect: plan.target.dialect,
    server: where.server ?? savedServer(plan),
    target: where.target ?? `${plan.target.host}/${plan.target.database}`,
    plan: {
      files: plan.plan_files.map((file) => ({ ...file })),
      settings: {
        lockTimeoutMs: plan.settings.lock_timeout_ms,
        maxRetries: plan.settings.max_retries,
        explainRuns: plan.settings.explain_runs,
        maxRegression: plan.settings.max_regression,
        ...(plan.settings.snapshot_wait_ms !== undefined ? { snapshotWaitMs: plan.settings.snapshot_wait_ms } : {}),
        ...(plan.settings.max_replica_lag_ms !== undefined
          ? { maxReplicaLagMs: plan.settings.max_replica_lag_ms }
          : {}),
      },
      indexes: changes.map((change) => change.spec),
    },
    live: where.live ?? { tables: new Map() },
    changes,
    errors: [],
    definitions: [],
  };
}
