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
