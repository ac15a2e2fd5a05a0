import { type Node, parse } from 'libpg-query';
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

function findWriter(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findWriter(item);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (key in writingNodes && value !== null && value !== undefined) return writingNodes[key];
    const found = findWriter(value);
    if (found) return found;
  }
  return undefined;
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
  const writer = findWriter(stmt);
  if (writer) return { ok: false, reason: `a verify query must be read-only; it contains ${writer}` };
  return { ok: true, statement: withoutTerminator(sql) };
}
