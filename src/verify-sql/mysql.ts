import type { RoutineRef } from '../dialects/explain-types.js';
import { builtinWithEffects } from '../dialects/mysql/routine-effects.js';
import { findInTree } from './find-in-tree.js';
import { type MysqlGrammar, mysqlGrammars } from './mysql-grammars.js';
import { type VerifySqlCheck, withoutTerminator } from './types.js';

const readOnlyTypes = new Set(['select']);
/** Statement types (as node-sql-parser names them) that write, lock or change the session, wherever nested. */
const writingTypes = new Set([
  'insert',
  'replace',
  'update',
  'delete',
  'create',
  'drop',
  'alter',
  'truncate',
  'rename',
  'set',
  'call',
  'lock',
  'unlock',
  'grant',
  'load_data',
  'use',
  'transaction',
  'exec',
  'execute',
  'declare',
]);

/** What in a node-sql-parser node writes, locks or changes the session, if anything. */
function writerAt(record: Record<string, unknown>): string | undefined {
  if (typeof record.type === 'string' && writingTypes.has(record.type.toLowerCase())) {
    return `a ${record.type.toUpperCase()} statement`;
  }
  const into = record.into as { position?: unknown; keyword?: unknown } | undefined;
  if (into && typeof into === 'object' && into.position) {
    return `SELECT ... INTO ${String(into.keyword ?? '').toUpperCase() || '...'}`.trim();
  }
  if (record.locking_read) return `a locking read (${String(record.locking_read)})`;
  return undefined;
}

/** Comments the server may execute (opened by `/*!` or `/*M!`) or read as optimizer hints (`/*+`), and any other block comment. */
function commentProblem(sql: string): string | undefined {
  const executable = /\/\*(M?!)/i.exec(sql);
  if (executable) return `an executable comment (/*${executable[1]} ... */): the server runs what the parser skips`;
  if (sql.includes('/*+')) return 'an optimizer-hint comment (/*+ ... */), which the parser cannot see';
  if (sql.includes('/*')) return 'a block comment (/* ... */), which could hide an executable one';
  return undefined;
}

/** Words of the text that could name a stored function (looked up in information_schema.ROUTINES). */
function routineWords(sql: string): RoutineRef[] {
  const words = new Set((sql.match(/[A-Za-z_$][\w$]*/g) ?? []).map((word) => word.toLowerCase()));
  return [...words].map((name) => ({ kind: 'function' as const, name }));
}

/**
 * Checks a MySQL/MariaDB verify query with node-sql-parser: one read-only SELECT or WITH query, without
 * block comments (executable ones open with `/*!` or `/*M!`, hints with `/*+`), built-ins with effects or
 * user-variable assignments. Its words are returned as routines, for the stored-function check on the target.
 */
export async function checkMysqlVerifySql(sql: string, flavor: 'mysql' | 'mariadb'): Promise<VerifySqlCheck> {
  const comment = commentProblem(sql);
  if (comment) return { ok: false, reason: `a verify query must not contain ${comment}` };
  const builtin = builtinWithEffects(sql);
  if (builtin) {
    return {
      ok: false,
      reason: `it names ${builtin}, a built-in with effects outside the query (refused wherever the word appears)`,
    };
  }
  if (sql.includes(':=')) return { ok: false, reason: 'a verify query must not assign user variables (:=)' };
  let ast: unknown;
  // node-sql-parser's MariaDB grammar rejects some valid queries (e.g. a column named `status`): on
  // MariaDB the MySQL grammar is tried next; the read-only transaction stays the second line of defence
  const grammars: MysqlGrammar[] = flavor === 'mariadb' ? ['MariaDB', 'MySQL'] : ['MySQL'];
  let firstError: unknown;
  for (const [database, parser] of await mysqlGrammars(grammars)) {
    try {
      ast = parser.astify(sql, { database });
      break;
    } catch (error) {
      firstError ??= error;
    }
  }
  if (ast === undefined) {
    const message = (firstError as Error).message.split('\n')[0] ?? '';
    return { ok: false, reason: `not a query the MySQL/MariaDB parser accepts: ${message.slice(0, 200)}` };
  }
  const statements = (Array.isArray(ast) ? ast : [ast]) as Array<{ type?: string }>;
  if (statements.length !== 1) {
    return { ok: false, reason: `a verify query must be exactly one statement, found ${statements.length}` };
  }
  const type = String(statements[0]!.type ?? 'unknown').toLowerCase();
  if (!readOnlyTypes.has(type)) {
    return { ok: false, reason: `a verify query must be a SELECT or WITH ... SELECT, not ${type.toUpperCase()}` };
  }
  const writer = findInTree(statements[0], writerAt);
  if (writer) return { ok: false, reason: `a verify query must be read-only; it contains ${writer}` };
  return { ok: true, statement: withoutTerminator(sql), routines: routineWords(sql) };
}
