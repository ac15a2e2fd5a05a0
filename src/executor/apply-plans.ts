import type { Database } from '../connection/database.js';
import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import type { BlockersPolicy } from '../dialects/executor-types.js';
import { NotOnlineError, PlanError } from '../errors.js';
import { createEvidenceHook } from '../evidence/apply-hook.js';
import { writeEvidenceReports } from '../evidence/report-files.js';
import type { VerifyJudgement } from '../evidence/types.js';
import { loadPlans } from '../plan-file/load.js';
import type { IndexPlan } from '../plan-file/types.js';
import { buildPlan } from '../planner/plan.js';
import type { PlanReport, ReportStep } from '../planner/types.js';
import { replicaGateSettings } from '../replicas/gate.js';
import { attachUsage, checkUsageEvidence, defaultUsageWindowMs } from '../usage/evidence.js';
import { assertPlanFields } from '../verify-sql/fields.js';
import { executeApply } from './apply.js';
import { runFileBase } from './run-files.js';
import { runLockSession } from './run-lock.js';
import type { ApplyResult, ExecutionSink, VerifyHook } from './types.js';

/** Everything `apply` needs: target, plans, flags. */
export interface ApplyRequest extends TargetOptions {
  paths?: string[];
  /** Overrides the plans' `lock_timeout`. */
  lockTimeoutMs?: number;
  waitMs: number;
  rollbackDir: string;
  allowBlocking: boolean;
  blockers: BlockersPolicy;
  /** Overrides the plans' `snapshot_wait`. */
  snapshotWaitMs?: number;
  /** Statement timeout of the duplicate-key check before unique builds (default 1m); null skips it. */
  duplicateCheckTimeoutMs?: number | null;
  rollbackOnFailure: boolean;
  /** Drop or disable indexes even when a source saw them used within the window. */
  allowUsed?: boolean;
  /** Refuse drops and disables whose usage is unknown (overrides the plans' `require_usage_evidence`). */
  requireUsageEvidence?: boolean;
  /** Replica URLs: their index usage counts for drops and disables, and the lag gate waits for them. */
  replicas?: string[];
  /** The fleet apply (`apply --targets`) this database's run belongs to; recorded with the run. */
  fleetDeploy?: string;
  /** Overrides the plans' `max_replica_lag`. */
  maxReplicaLagMs?: number;
  /** The longest one wait for replicas lasts (default 10m). */
  replicaWaitMs?: number;
  confirm?(steps: readonly ReportStep[]): Promise<boolean>;
  verify?: VerifyHook;
  sink?: ExecutionSink;
}

/** The plan that was applied and what became of it. */
export interface ApplyReport {
  plan: PlanReport;
  result: ApplyResult;
  /** Before/after evidence of the verify queries (empty when the caller brought its own hook). */
  judgements: VerifyJudgement[];
  /** The saved plan that was applied (`apply FILE`). */
  savedPlan?: { hash: string; createdAt: string };
}

/** Refuses a plan with errors, and changes that cannot run online unless blocking is allowed. */
function checkRunnable(report: PlanReport, allowBlocking: boolean): void {
  if (report.errors.length > 0) throw new PlanError(report.errors);
  const blocking = report.changes.filter((change) => change.action !== 'noop' && !change.online);
  if (blocking.length > 0 && !allowBlocking) {
    const list = blocking.map((c) => `${c.action} ${c.index} on ${c.table.name}: ${c.onlineReason ?? 'not online'}`);
    throw new NotOnlineError(
      `refusing changes that cannot run online (give --allow-blocking to run them anyway):\n  ${list.join('\n  ')}`,
    );
  }
}

/** Loads the plans, then under the run lock plans against the live schema and applies the changes. */
export async function applyPlans(request: ApplyRequest): Promise<ApplyReport> {
  return applyLoaded(request, await loadPlans(request.paths ?? []));
}

/** `applyPlans` for plans already loaded (a fleet loads them once for every target). */
export async function applyLoaded(request: ApplyRequest, plan: IndexPlan): Promise<ApplyReport> {
  return withDatabase(
    { ...request, lockTimeoutMs: request.lockTimeoutMs ?? plan.settings.lockTimeoutMs, early: [runLockSession] },
    (db, dialect) =>
      applyPrepared(db, request, plan, async () => ({
        report: await buildPlan(db, dialect, plan, {
          lockTimeoutMs: request.lockTimeoutMs ?? plan.settings.lockTimeoutMs,
        }),
      })),
    (target) => assertPlanFields(plan, target.dialect),
  );
}

/** What the caller of `applyPrepared` plans once the run lock is held. */
export interface PreparedReport {
  report: PlanReport;
  /** Set when the steps come from a saved plan; recorded with the run. */
  savedPlanHash?: string;
}

/**
 * Applies what `prepare` plans (called under the run lock), with the plan's settings and verify
 * queries as evidence, and writes the evidence reports beside the rollback script.
 */
export async function applyPrepared(
  db: Database,
  request: ApplyRequest,
  plan: IndexPlan,
  prepare: () => Promise<PreparedReport>,
): Promise<ApplyReport> {
  const settings = {
    lockTimeoutMs: request.lockTimeoutMs ?? plan.settings.lockTimeoutMs,
    maxRetries: plan.settings.maxRetries,
    blockers: request.blockers,
    snapshotWaitMs: request.snapshotWaitMs ?? plan.settings.snapshotWaitMs,
    ...(request.duplicateCheckTimeoutMs !== undefined
      ? { duplicateCheckTimeoutMs: request.duplicateCheckTimeoutMs }
      : {}),
  };
  let report: PlanReport | undefined;
  // EXPLAIN evidence around the DDL unless the caller brings its own hook
  const evidence = request.verify
    ? undefined
    : createEvidenceHook(db, plan, {
        explainRuns: plan.settings.explainRuns,
        maxRegression: plan.settings.maxRegression,
        log: (line) => request.sink?.log(line),
      });
  const result = await executeApply(db, {
    settings,
    waitMs: request.waitMs,
    rollbackDir: request.rollbackDir,
    rollbackOnFailure: request.rollbackOnFailure,
    sink: request.sink,
    verify: request.verify ?? evidence,
    replicaGate: replicaGateSettings(request, plan.settings.maxReplicaLagMs),
    prepare: async () => {
      const prepared = await prepare();
      report = prepared.report;
      checkRunnable(report, request.allowBlocking);
      // every apply stores a usage snapshot; drops and disables carry their evidence and are guarded by it
      await attachUsage(db, report, { replicas: request.replicas ?? [], windowMs: defaultUsageWindowMs, record: true });
      checkUsageEvidence(
        report,
        request.allowUsed ?? false,
        request.requireUsageEvidence ?? plan.settings.requireUsageEvidence ?? false,
      );
      return {
        steps: report.changes,
        planFiles: plan.files,
        ...(prepared.savedPlanHash ? { savedPlanHash: prepared.savedPlanHash } : {}),
        ...(request.fleetDeploy ? { fleetDeploy: request.fleetDeploy } : {}),
      };
    },
    confirm: request.confirm ? (steps) => request.confirm!(steps as ReportStep[]) : undefined,
  });
  const judgements = evidence ? evidence.judgements() : [];
  if (evidence && result.status !== 'noop') {
    const base = runFileBase(db.server.database, result.runId);
    await writeEvidenceReports(request.rollbackDir, base, result.runId, judgements).catch((error: unknown) => {
      // the run is recorded and its rollback script written: the reports' loss is reported, not fatal
      result.errors.push({
        code: 'rollback_dir',
        message: `evidence report not written: ${(error as Error).message}`,
      });
    });
  }
  return { plan: report!, result, judgements };
}
