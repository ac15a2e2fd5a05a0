import { type Node, parse, scan } from 'libpg-query';
import { findInTree } from './find-in-tree.js';
import type { PlanFieldCheck } from './types.js';

/** Tokens of PostgreSQL's own lexer that never belong in one expression. */
const refusedTokens: Record<string, string> = {
  ASCII_59: 'a statement terminator (;)',
  SQL_COMMENT: 'a comment (-- ...), which would swallow the rest of the statement',
  C_COMMENT: 'a comment (/* ... */)',
};

/** `SELECT <expression>` has only these clauses; any other means the text is more than an expression. */
const expressionClauses = new Set(['targetList', 'limitOption', 'op']);

/** A subquery node, which PostgreSQL refuses in index expressions and predicates. */
function subqueryAt(record: Record<string, unknown>): string | undefined {
  return 'SubLink' in record
    ? 'a subquery (PostgreSQL refuses subqueries in index expressions and predicates)'
    : undefined;
}

/**
 * Checks that a plan field (`where`, `expression`) is exactly one PostgreSQL expression, with
 * libpg_query (the server's lexer and grammar): no terminator, no comment, no second statement,
 * no clause around the expression, no subquery.
 */
export async function checkPostgresField(text: string): Promise<PlanFieldCheck> {
  let tokens: Array<{ tokenName: string; text: string }>;
  try {
    tokens = (await scan(text)).tokens;
  } catch (error) {
    return { ok: false, reason: `not valid PostgreSQL: ${(error as Error).message}` };
  }
  const refused = tokens.find((token) => token.tokenName in refusedTokens);
  if (refused) return { ok: false, reason: `it contains ${refusedTokens[refused.tokenName]}` };
  let statements: Array<{ stmt?: Node }>;
  try {
    statements = (await parse(`SELECT ${text}`)).stmts ?? [];
  } catch (error) {
    return { ok: false, reason: `not one PostgreSQL expression: ${(error as Error).message}` };
  }
  const select = statements.length === 1 ? statements[0]?.stmt : undefined;
  if (!select || !('SelectStmt' in select)) return { ok: false, reason: 'not one PostgreSQL expression' };
  const stmt = select.SelectStmt as Record<string, unknown>;
  const extra = Object.keys(stmt).find((key) => !expressionClauses.has(key));
  const targets = (stmt.targetList as Array<{ ResTarget?: { name?: string } }> | undefined) ?? [];
  if (extra || stmt.op !== 'SETOP_NONE') {
    return { ok: false, reason: `not one expression: it adds a clause (${extra ?? 'a set operation'})` };
  }
  if (targets.length !== 1) return { ok: false, reason: `not one expression: ${targets.length} comma-separated items` };
  if (targets[0]?.ResTarget?.name !== undefined) return { ok: false, reason: 'not one expression: it has an alias' };
  const subquery = findInTree(targets, subqueryAt);
  if (subquery) return { ok: false, reason: `it contains ${subquery}` };
  return { ok: true };
}
