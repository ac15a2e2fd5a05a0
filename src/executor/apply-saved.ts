import type { Database } from '../connection/database.js';
import { withDatabase } from '../connection/with-database.js';
import type { Dialect } from '../dialects/types.js';
import { PlanError, SavedPlanError } from '../errors.js';
import { checkTarget, driftError, savedPlanDrift } from '../saved-plan/check.js';
import type { SavedPlan } from '../saved-plan/document.js';
import { checkPlanAge, readSavedPlan, requireSavedPlan } from '../saved-plan/read.js';
import { savedPlanReport } from '../saved-plan/report.js';
import { stateTablesExist } from '../state/migrate.js';
import { runsOfSavedPlan } from '../state/runs.js';
import { checkVerifyQueriesOnTarget } from '../verify-sql/check.js';
import { type ApplyReport, type ApplyRequest, applyPrepared } from './apply-plans.js';
import { runLockSession } from './run-lock.js';

/** Everything `apply FILE` needs: the saved plan file, its age limit, and the flags of `apply`. */
export interface SavedApplyRequest extends Omit<ApplyRequest, 'paths'> {
  /** The saved plan (`plan --out`). */
  file: string;
  /** A saved plan older than this is refused (default 7 days). */
  maxPlanAgeMs: number;
}

/** Why a drifted plan may be drifted: the same saved plan was applied already. */
async function appliedBefore(db: Database, plan: SavedPlan): Promise<string | undefined> {
  if (!(await stateTablesExist(db))) return undefined;
  const runs = await runsOfSavedPlan(db, plan.hash).catch(() => []);
  const applied = runs.find((run) => run.status === 'applied' || run.status === 'rolled_back');
  return applied ? `this saved plan was already applied, in run ${applied.id} (${applied.status})` : undefined;
}

/** Refuses the saved plan when an involved table's indexes are no longer those it was made from. */
async function checkDrift(db: Database, dialect: Dialect, plan: SavedPlan): Promise<void> {
  const drift = await savedPlanDrift(db, dialect, plan);
  if (drift.length > 0) throw driftError(drift, await appliedBefore(db, plan));
}

/**
 * Applies a saved plan exactly: refuses it when edited, too old, made for another target, or when an
 * involved table's indexes changed since (checked before anything is created, and again under the
 * run lock); otherwise runs its statements in order as a normal apply, recording the plan's hash.
 */
export async function applySavedPlan(request: SavedApplyRequest): Promise<ApplyReport> {
  const saved = await requireSavedPlan(request.file);
  checkPlanAge(saved, request.maxPlanAgeMs);
  const lockTimeoutMs = request.lockTimeoutMs ?? saved.settings.lock_timeout_ms;
  return withDatabase({ ...request, lockTimeoutMs, early: [runLockSession] }, async (db, dialect) => {
    checkTarget(saved, db);
    await checkDrift(db, dialect, saved);
    const where = { file: request.file, server: db.server, target: db.target.display };
    const planned = savedPlanReport(saved, where);
    // the saved verify queries run before and after the DDL: checked on this target like a plan's
    const refused = await checkVerifyQueriesOnTarget(planned.plan, db);
    if (refused.length > 0) throw new PlanError(refused);
    const report = await applyPrepared(db, request, planned.plan, async () => {
      await checkDrift(db, dialect, saved);
      return { report: planned, savedPlanHash: saved.hash };
    });
    return { ...report, savedPlan: { hash: saved.hash, createdAt: saved.created_at } };
  });
}

/**
 * The saved plan among `apply`'s paths, if one is (recognised by content); a saved plan must be the
 * only path, since it already holds every statement to run.
 */
export async function savedPlanIn(paths: readonly string[]): Promise<string | undefined> {
  const saved: string[] = [];
  for (const file of paths) if (await readSavedPlan(file).catch(() => 'unreadable')) saved.push(file);
  if (saved.length === 0) return undefined;
  if (paths.length > 1) {
    throw new SavedPlanError(
      'saved_plan_invalid',
      `a saved plan (${saved.join(', ')}) is applied on its own: give it as the only path`,
    );
  }
  return saved[0];
}
