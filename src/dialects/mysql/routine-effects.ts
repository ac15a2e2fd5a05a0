import type { Database } from '../../connection/database.js';
import type { CheckedVerifyQuery } from '../explain-types.js';

/** One stored function of the server, as information_schema.ROUTINES describes it. */
type StoredFunctionRow = {
  db: string;
  name: string;
  is_deterministic: string;
  data_access: string;
};

/**
 * Built-in functions with effects outside the query (waits, locks, files, replication waits, sequences),
 * which MySQL/MariaDB keep no volatility flag for. Matched as words anywhere in the text, strings
 * included, so a parser that reads the text differently from the server cannot hide one.
 */
const builtinsWithEffects = [
  'sleep',
  'benchmark',
  'get_lock',
  'release_lock',
  'release_all_locks',
  'is_used_lock',
  'is_free_lock',
  'load_file',
  'master_pos_wait',
  'source_pos_wait',
  'master_gtid_wait',
  'wait_for_executed_gtid_set',
  'wait_until_sql_thread_after_gtids',
  'name_const',
  'nextval',
  'setval',
];

const builtinPattern = new RegExp(`\\b(${builtinsWithEffects.join('|')})\\b`, 'i');

/** The first built-in with effects the text names as a word (strings included), upper-cased, if any. */
export function builtinWithEffects(text: string): string | undefined {
  return builtinPattern.exec(text)?.[1]?.toUpperCase();
}

/** SQL data access a stored function may declare and still be called by a verify query. */
const readOnlyAccess = new Set(['NO SQL', 'READS SQL DATA']);

/** One view of the server with the SQL it runs (empty where the login may not read it). */
type ViewRow = { db: string; name: string; definition: string | null };

/** The identifier-like words of a text, lower-cased. */
function wordsOf(text: string): string[] {
  return (text.match(/[A-Za-z_$][\w$]*/g) ?? []).map((word) => word.toLowerCase());
}

/** `in (?, ?, ...)` for a non-empty list. */
function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** Every view whose name is one of the words, then the views their definitions name, and so on (bounded). */
async function viewsNamed(db: Database, words: Iterable<string>): Promise<Map<string, ViewRow[]>> {
  const views = new Map<string, ViewRow[]>();
  const asked = new Set<string>();
  let pending = [...new Set(words)];
  for (let round = 0; round < 8 && pending.length > 0; round += 1) {
    for (const word of pending) asked.add(word);
    const rows = await db.query<ViewRow>(
      `select TABLE_SCHEMA as db, TABLE_NAME as name, VIEW_DEFINITION as definition
         from information_schema.VIEWS where lower(TABLE_NAME) in (${placeholders(pending)})`,
      pending,
    );
    const next = new Set<string>();
    for (const row of rows) {
      const key = row.name.toLowerCase();
      views.set(key, [...(views.get(key) ?? []), row]);
      for (const word of wordsOf(row.definition ?? '')) if (!asked.has(word)) next.add(word);
    }
    pending = [...next];
  }
  return views;
}

/**
 * The words a query names, with the words of the definitions of the views it reads (views of views
 * too), or why a view it reads is refused: a built-in with effects, or a definition the login cannot read.
 */
function expandThroughViews(
  routines: CheckedVerifyQuery['routines'],
  views: Map<string, ViewRow[]>,
): { words: Set<string>; problem?: string } {
  const words = new Set(routines.map((routine) => routine.name.toLowerCase()));
  const queue = [...words];
  for (let word = queue.shift(); word !== undefined; word = queue.shift()) {
    for (const view of views.get(word) ?? []) {
      if (!view.definition) {
        return {
          words,
          problem: `it reads the view ${view.db}.${view.name}, whose definition this login cannot read (SHOW VIEW)`,
        };
      }
      const builtin = builtinWithEffects(view.definition);
      if (builtin)
        return {
          words,
          problem: `it reads the view ${view.db}.${view.name}, which calls ${builtin}, a built-in with effects`,
        };
      for (const inner of wordsOf(view.definition)) {
        if (words.has(inner)) continue;
        words.add(inner);
        queue.push(inner);
      }
    }
  }
  return { words };
}

/**
 * Refuses a verify query that names a stored function (any word of its text, or of the definitions of
 * the views it reads, that is a stored function's name, in any database) unless that function is
 * declared DETERMINISTIC with NO SQL or READS SQL DATA, and one that reads a view calling a built-in with
 * effects; built-ins with effects in the query itself are refused by the parser check already. With the
 * session's sql_mode NO_BACKSLASH_ESCAPES the server reads backslashes in strings differently from the
 * parser, so a query containing one is refused. A few catalog queries for all the queries together.
 */
export async function mysqlRefusedForEffects(
  db: Database,
  queries: readonly CheckedVerifyQuery[],
): Promise<Array<string | undefined>> {
  if (queries.length === 0) return [];
  const named = queries.flatMap((query) => query.routines.map((routine) => routine.name.toLowerCase()));
  const views = named.length === 0 ? new Map<string, ViewRow[]>() : await viewsNamed(db, named);
  const expanded = queries.map((query) => expandThroughViews(query.routines, views));
  const names = [...new Set(expanded.flatMap((query) => [...query.words]))];
  const rows =
    names.length === 0
      ? []
      : await db.query<StoredFunctionRow>(
          `select ROUTINE_SCHEMA as db, ROUTINE_NAME as name, IS_DETERMINISTIC as is_deterministic, SQL_DATA_ACCESS as data_access
             from information_schema.ROUTINES
            where ROUTINE_TYPE = 'FUNCTION' and lower(ROUTINE_NAME) in (${placeholders(names)})`,
          names,
        );
  const withEffects = rows.filter((row) => row.is_deterministic !== 'YES' || !readOnlyAccess.has(row.data_access));
  const backslashes = queries.some((query) => query.sql.includes('\\'));
  const [mode] = backslashes ? await db.query<{ mode: string }>('select @@SESSION.sql_mode as mode') : [];
  const literalBackslashes = /NO_BACKSLASH_ESCAPES/i.test(String(mode?.mode ?? ''));
  return queries.map((query, i) => {
    if (literalBackslashes && query.sql.includes('\\')) {
      return 'it contains a backslash and the session has sql_mode NO_BACKSLASH_ESCAPES, so the server could read it differently from the parser';
    }
    const { words, problem } = expanded[i]!;
    if (problem) return problem;
    const found = withEffects.find((row) => words.has(row.name.toLowerCase()));
    if (!found) return undefined;
    const declared = `${found.is_deterministic === 'YES' ? 'DETERMINISTIC' : 'NOT DETERMINISTIC'}, ${found.data_access}`;
    return `it names the stored function ${found.db}.${found.name} (in the query or a view it reads), declared ${declared}; verify queries may call only stored functions declared DETERMINISTIC with NO SQL or READS SQL DATA`;
  });
}
