import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { loadPlans } from '../plan-file/load.js';
import { buildPlan } from '../planner/plan.js';
import type { PlanOptions, PlanReport } from '../planner/types.js';

/** Options of a dry run: where to connect, which plans, which extra checks. */
export interface PlanRequest extends TargetOptions, PlanOptions {
  /** Plan files or folders (default `index-plans/`). */
  paths?: string[];
}

/** Loads the plans, connects, and returns the full plan report (nothing is changed). */
export async function planReport(request: PlanRequest): Promise<PlanReport> {
  const plan = await loadPlans(request.paths ?? []);
  return withDatabase(request, (db, dialect) => buildPlan(db, dialect, plan, request));
}
