import { type Node, parse } from 'libpg-query';
import type { RoutineRef } from '../dialects/explain-types.js';
import { findInTree } from './find-in-tree.js';
import { type VerifySqlCheck, withoutTerminator } from './types.js';

/** Parse-tree nodes that write or lock, wherever they appear (data-modifying CTEs included). */
const writingNodes: Record<string, string> = {
  InsertStmt: 'an INSERT',
  UpdateStmt: 'an UPDATE',
  DeleteStmt: 'a DELETE',
  MergeStmt: 'a MERGE',
  intoClause: 'SELECT ... INTO (creates a table)',
  lockingClause: 'a locking clause (FOR UPDATE/SHARE)',
};

/** The writing node a libpg_query node holds directly, if any. */
function writerAt(record: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(record)) {
    if (key in writingNodes && value !== null && value !== undefined) return writingNodes[key];
  }
  return undefined;
}

/** A name list of the parse tree (`[{String: {sval}}]`) as its parts. */
function nameParts(list: unknown): string[] {
  return Array.isArray(list)
    ? list.map((item) => String((item as { String?: { sval?: unknown } }).String?.sval ?? ''))
    : [];
}

function routineOf(kind: RoutineRef['kind'], parts: string[]): RoutineRef {
  const name = parts.at(-1) ?? '';
  return parts.length > 1 ? { kind, name, schema: parts.at(-2)! } : { kind, name };
}

/** Operator names that are syntax, not operators (BETWEEN expands to two comparisons). */
const notOperators = /^[A-Za-z ]+$/;

/** Every function, operator and relation the parse tree names (looked up on the target). */
function routinesOf(tree: unknown): RoutineRef[] {
  const found = new Map<string, RoutineRef>();
  const add = (routine: RoutineRef) => found.set(`${routine.kind}:${routine.schema ?? ''}.${routine.name}`, routine);
  findInTree(tree, (record) => {
    const call = record.FuncCall as { funcname?: unknown } | undefined;
    if (call) add(routineOf('function', nameParts(call.funcname)));
    const expression = record.A_Expr as { name?: unknown } | undefined;
    const operator = expression ? nameParts(expression.name) : [];
    if (operator.length > 0 && !notOperators.test(operator.at(-1)!)) add(routineOf('operator', operator));
    const relation = record.RangeVar as { schemaname?: string; relname?: string } | undefined;
    if (relation?.relname)
      add(routineOf('relation', [...(relation.schemaname ? [relation.schemaname] : []), relation.relname]));
    return undefined;
  });
  return [...found.values()];
}

function statementKind(stmt: Node | undefined): string {
  return stmt ? (Object.keys(stmt)[0] ?? 'unknown') : 'empty';
}

/** Checks a PostgreSQL verify query with libpg_query (the server's grammar): one read-only SELECT or WITH query. */
export async function checkPostgresVerifySql(sql: string): Promise<VerifySqlCheck> {
  let statements: Array<{ stmt?: Node }>;
  try {
    statements = (await parse(sql)).stmts ?? [];
  } catch (error) {
    return { ok: false, reason: `not valid PostgreSQL: ${(error as Error).message}` };
  }
  if (statements.length !== 1) {
    return { ok: false, reason: `a verify query must be exactly one statement, found ${statements.length}` };
  }
  const stmt = statements[0]!.stmt;
  if (!stmt || !('SelectStmt' in stmt)) {
    return {
      ok: false,
      reason: `a verify query must be a SELECT or WITH ... SELECT, not ${statementKind(stmt).replace(/Stmt$/, '')}`,
    };
  }
  const writer = findInTree(stmt, writerAt);
  if (writer) return { ok: false, reason: `a verify query must be read-only; it contains ${writer}` };
  return { ok: true, statement: withoutTerminator(sql), routines: routinesOf(stmt) };
}
