import type { Database } from '../connection/database.js';
import { targetAddress } from '../connection/target.js';
import type { Dialect } from '../dialects/types.js';
import { SavedPlanError } from '../errors.js';
import type { SavedPlan } from './document.js';
import { fingerprintsOf } from './document.js';
import { fingerprintDrift, type TableDrift } from './fingerprint.js';

/** Refuses a saved plan made for another server (dialect, flavor, version, host) or another database. */
export function checkTarget(plan: SavedPlan, db: Database): void {
  const now = {
    dialect: db.server.dialect,
    flavor: db.server.flavor,
    server_version: db.server.version,
    host: targetAddress(db.target),
    database: db.server.database,
  };
  const differs = (Object.keys(now) as (keyof typeof now)[]).filter((key) => plan.target[key] !== now[key]);
  if (differs.length === 0) return;
  const lines = differs.map((key) => `${key}: saved plan "${plan.target[key]}", this target "${now[key]}"`);
  throw new SavedPlanError(
    'saved_plan_target',
    `the saved plan was made for another target; nothing was changed:\n  ${lines.join('\n  ')}`,
  );
}

/** Re-reads only the tables the saved plan changes and returns those whose indexes differ from the saved state. */
export async function savedPlanDrift(db: Database, dialect: Dialect, plan: SavedPlan): Promise<TableDrift[]> {
  if (plan.fingerprints.length === 0) return [];
  const tables = plan.fingerprints.map((entry) => ({ schema: entry.schema, name: entry.table }));
  const live = await dialect.introspect(db, tables);
  return fingerprintDrift(plan.fingerprints, fingerprintsOf(tables, live));
}

/** The refusal of a drifted saved plan: per table, a diff of its index definitions (saved → live). */
export function driftError(drift: readonly TableDrift[], hint?: string): SavedPlanError {
  const tables = drift.map((entry) => `${entry.schema}.${entry.table}`).join(', ');
  const diffs = drift.map((entry) => entry.diff).join('\n');
  return new SavedPlanError(
    'saved_plan_drift',
    `the indexes of ${tables} changed since the plan was saved; nothing was changed (plan again and review the new plan)${hint ? `\n${hint}` : ''}\n${diffs}`,
  );
}
