import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { type WhatIfReport, whatIfEstimates } from '../evidence/what-if.js';
import { loadPlans } from '../plan-file/load.js';
import { buildPlan } from '../planner/plan.js';
import type { PlanOptions, PlanReport } from '../planner/types.js';
import { assertPlanFields } from '../verify-sql/fields.js';

/** Options of a dry run: where to connect, which plans, which extra checks. */
export interface PlanRequest extends TargetOptions, PlanOptions {
  /** Plan files or folders (default `index-plans/`). */
  paths?: string[];
  /** Add HypoPG estimates of the verify queries (PostgreSQL; a note elsewhere). */
  whatIf?: boolean;
}

/** The plan report, with the what-if estimates when they were asked for. */
export type PlanReportWithWhatIf = PlanReport & { whatIf?: WhatIfReport };

/** Loads the plans, connects, and returns the full plan report (nothing is changed). */
export async function planReport(request: PlanRequest): Promise<PlanReportWithWhatIf> {
  const plan = await loadPlans(request.paths ?? []);
  return withDatabase(
    request,
    async (db, dialect) => {
      const report = await buildPlan(db, dialect, plan, request);
      return request.whatIf ? { ...report, whatIf: await whatIfEstimates(db, report) } : report;
    },
    (target) => assertPlanFields(plan, target.dialect),
  );
}
