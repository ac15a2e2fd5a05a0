import type { DialectName } from '../connection/target.js';
import { PlanError, type PlanProblem } from '../errors.js';
import type { IndexPlan, PlanIndexSpec } from '../plan-file/types.js';
import { checkVerifyQueries } from './check.js';
import type { PlanFieldCheck } from './types.js';

/** One free-text SQL field of a plan entry: what it is called, its text and its key in `positions`. */
interface PlanField {
  label: string;
  text: string;
  position: string;
}

/** Every free-text SQL field of an entry: `where` and each `expression` key part. */
function fieldsOf(spec: PlanIndexSpec): PlanField[] {
  const fields: PlanField[] = [];
  if (spec.where !== undefined) fields.push({ label: 'where', text: spec.where, position: 'where' });
  spec.columns.forEach((part, i) => {
    if (typeof part === 'object' && part.expression !== undefined) {
      fields.push({ label: `columns[${i}].expression`, text: part.expression, position: `columns.${i}.expression` });
    }
  });
  return fields;
}

/** Checks one field with the real parser of the dialect, loaded on the first field (a plan without any loads none). */
export async function checkPlanField(text: string, dialect: DialectName): Promise<PlanFieldCheck> {
  if (dialect === 'postgres') return (await import('./field-postgres.js')).checkPostgresField(text);
  return (await import('./field-mysql.js')).checkMysqlField(text);
}

/**
 * Every `where` and `expression` of the plan that is not exactly one SQL expression of the dialect,
 * as plan problems (code `plan_sql_field`) at the field's file:line:col. Needs only the dialect (from
 * the URL scheme or knexfile client), so it runs before any connection is opened.
 */
export async function checkPlanFields(plan: IndexPlan, dialect: DialectName): Promise<PlanProblem[]> {
  const problems: PlanProblem[] = [];
  for (const spec of plan.indexes) {
    for (const field of fieldsOf(spec)) {
      const check = await checkPlanField(field.text, dialect);
      if (check.ok) continue;
      problems.push({
        code: 'plan_sql_field',
        message: `index "${spec.name}": ${field.label} must be exactly one SQL expression; ${check.reason}`,
        ...(spec.positions[field.position] ?? spec.source),
        index: spec.name,
        table: spec.table,
      });
    }
  }
  return problems;
}

/**
 * Throws a PlanError naming every plan field that is not exactly one SQL expression of the dialect and
 * every verify query the parser refuses (on a `mysql://` target the flavor is not known yet: the
 * MariaDB grammar, then MySQL's; the flavor's own check follows once connected).
 */
export async function assertPlanFields(plan: IndexPlan, dialect: DialectName): Promise<void> {
  const problems = [
    ...(await checkPlanFields(plan, dialect)),
    ...(await checkVerifyQueries(plan, dialect === 'postgres' ? 'postgres' : 'mariadb')),
  ];
  if (problems.length > 0) throw new PlanError(problems);
}
