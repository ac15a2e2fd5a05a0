import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import type { PlanProblem } from '../errors.js';
import type { IndexPlan } from '../plan-file/types.js';
import type { VerifyGrammar, VerifySqlCheck } from './types.js';

/**
 * Checks one verify query with the real parser of the dialect: a single read-only SELECT or WITH query.
 * The parser is loaded on the first verify query, so a plan without any loads none.
 */
export async function checkVerifySql(sql: string, grammar: VerifyGrammar): Promise<VerifySqlCheck> {
  if (grammar === 'postgres') return (await import('./postgres.js')).checkPostgresVerifySql(sql);
  return (await import('./mysql.js')).checkMysqlVerifySql(sql, grammar);
}

/**
 * Every verify query of the plan that is not a single read-only SELECT/WITH query, as plan problems
 * at the query's file:line:col (code `verify_not_read_only`). `grammar`: a dialect name or, better, the flavor.
 */
export async function checkVerifyQueries(plan: IndexPlan, grammar: VerifyGrammar): Promise<PlanProblem[]> {
  const problems: PlanProblem[] = [];
  for (const spec of plan.indexes) {
    for (const query of spec.verify) {
      const check = await checkVerifySql(query.sql, grammar);
      if (check.ok) continue;
      problems.push({
        code: 'verify_not_read_only',
        message: `verify query "${query.name}" of index "${spec.name}" is refused: ${check.reason}`,
        ...query.source,
        index: spec.name,
        table: spec.table,
      });
    }
  }
  return problems;
}

/**
 * Why each verify query may not run on this target, or undefined where it may: first the parser check,
 * then the routines each names looked up on the target (PostgreSQL `pg_proc` volatility, MySQL/MariaDB
 * stored functions), in one catalog round trip for all queries, before any of them runs.
 */
export async function verifyRefusals(db: Database, sqls: readonly string[]): Promise<Array<string | undefined>> {
  const checks = await Promise.all(sqls.map((sql) => checkVerifySql(sql, db.server.flavor)));
  const reasons = checks.map((check) => (check.ok ? undefined : check.reason));
  const passed = checks.flatMap((check, i) =>
    check.ok ? [{ position: i, sql: check.statement, routines: check.routines }] : [],
  );
  if (passed.length === 0) return reasons;
  const effects = await dialectOf(db).explain.refusedForEffects(db, passed);
  passed.forEach((query, j) => {
    reasons[query.position] = effects[j];
  });
  return reasons;
}

/**
 * Every verify query of the plan that may not run on this target (not a single read-only SELECT/WITH,
 * or calling a function with effects), as plan problems at the query's file:line:col.
 */
export async function checkVerifyQueriesOnTarget(plan: IndexPlan, db: Database): Promise<PlanProblem[]> {
  const queries = plan.indexes.flatMap((spec) => spec.verify.map((query) => ({ spec, query })));
  const reasons = await verifyRefusals(
    db,
    queries.map(({ query }) => query.sql),
  );
  return queries.flatMap(({ spec, query }, i) => {
    const reason = reasons[i];
    if (reason === undefined) return [];
    return [
      {
        code: 'verify_not_read_only',
        message: `verify query "${query.name}" of index "${spec.name}" is refused: ${reason}`,
        ...query.source,
        index: spec.name,
        table: spec.table,
      },
    ];
  });
}
