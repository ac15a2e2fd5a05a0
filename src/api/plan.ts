import { writeFile } from 'node:fs/promises';
import { type TargetOptions, targetAddress } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { type WhatIfReport, whatIfEstimates } from '../evidence/what-if.js';
import { loadPlans } from '../plan-file/load.js';
import type { IndexPlan } from '../plan-file/types.js';
import { buildPlan } from '../planner/plan.js';
import type { PlanOptions, PlanReport } from '../planner/types.js';
import { readReplicaStatuses } from '../replicas/read.js';
import { buildSavedPlan, renderSavedPlan, type SavedPlan } from '../saved-plan/document.js';
import { attachUsage, defaultUsageWindowMs } from '../usage/evidence.js';
import { assertPlanFields } from '../verify-sql/fields.js';

/** Options of a dry run: where to connect, which plans, which extra checks. */
export interface PlanRequest extends TargetOptions, PlanOptions {
  /** Plan files or folders (default `index-plans/`). */
  paths?: string[];
  /** Add HypoPG estimates of the verify queries (PostgreSQL; a note elsewhere). */
  whatIf?: boolean;
  /** Write the plan as a saved plan to this file (`plan --out`); not written when the plan has errors. */
  out?: string;
  /** Replica URLs: their index usage counts for drops and disables; their lag and state are shown. */
  replicas?: string[];
}

/** The plan report, with the what-if estimates when they were asked for and the saved plan when written. */
export type PlanReportWithWhatIf = PlanReport & { whatIf?: WhatIfReport; saved?: SavedPlan };

/** Loads the plans, connects, and returns the full plan report (nothing is changed on the server). */
export async function planReport(request: PlanRequest): Promise<PlanReportWithWhatIf> {
  return planLoaded(request, await loadPlans(request.paths ?? []));
}

/** The plan report of plans already loaded (a fleet loads them once for every target). */
export async function planLoaded(request: PlanRequest, plan: IndexPlan): Promise<PlanReportWithWhatIf> {
  const report: PlanReportWithWhatIf = await withDatabase(
    { ...request, lockTimeoutMs: request.lockTimeoutMs ?? plan.settings.lockTimeoutMs },
    async (db, dialect) => {
      const built = await buildPlan(db, dialect, plan, request);
      await attachUsage(db, built, { replicas: request.replicas ?? [], windowMs: defaultUsageWindowMs, record: false });
      built.replicas = await readReplicaStatuses(db, request.replicas ?? []);
      const withWhatIf = request.whatIf ? { ...built, whatIf: await whatIfEstimates(db, built) } : built;
      if (!request.out || built.errors.length > 0) return withWhatIf;
      const saved = buildSavedPlan({
        server: db.server,
        host: targetAddress(db.target),
        changes: built.changes,
        live: built.live,
        planFiles: plan.files,
        settings: plan.settings,
      });
      return { ...withWhatIf, saved };
    },
    (target) => assertPlanFields(plan, target.dialect),
  );
  if (request.out && report.saved) await writeFile(request.out, renderSavedPlan(report.saved));
  return report;
}
