import type { Database } from '../../connection/database.js';
import type { CheckedVerifyQuery } from '../explain-types.js';

/** One stored function of the server, as information_schema.ROUTINES describes it. */
type StoredFunctionRow = {
  db: string;
  name: string;
  is_deterministic: string;
  data_access: string;
};

/** SQL data access a stored function may declare and still be called by a verify query. */
const readOnlyAccess = new Set(['NO SQL', 'READS SQL DATA']);

/**
 * Refuses a verify query that names a stored function (any word of its text that is a stored
 * function's name, in any database) unless that function is declared DETERMINISTIC with NO SQL or
 * READS SQL DATA; built-ins with effects are refused by the parser check already. With the session's
 * sql_mode NO_BACKSLASH_ESCAPES the server reads backslashes in strings differently from the parser,
 * so a query containing one is refused. At most two catalog queries for all the queries.
 */
export async function mysqlRefusedForEffects(
  db: Database,
  queries: readonly CheckedVerifyQuery[],
): Promise<Array<string | undefined>> {
  if (queries.length === 0) return [];
  const names = [...new Set(queries.flatMap((query) => query.routines.map((routine) => routine.name.toLowerCase())))];
  const rows =
    names.length === 0
      ? []
      : await db.query<StoredFunctionRow>(
          `select ROUTINE_SCHEMA as db, ROUTINE_NAME as name, IS_DETERMINISTIC as is_deterministic, SQL_DATA_ACCESS as data_access
             from information_schema.ROUTINES
            where ROUTINE_TYPE = 'FUNCTION' and lower(ROUTINE_NAME) in (${names.map(() => '?').join(', ')})`,
          names,
        );
  const withEffects = rows.filter((row) => row.is_deterministic !== 'YES' || !readOnlyAccess.has(row.data_access));
  const backslashes = queries.some((query) => query.sql.includes('\\'));
  const [mode] = backslashes ? await db.query<{ mode: string }>('select @@SESSION.sql_mode as mode') : [];
  const literalBackslashes = /NO_BACKSLASH_ESCAPES/i.test(String(mode?.mode ?? ''));
  return queries.map((query) => {
    if (literalBackslashes && query.sql.includes('\\')) {
      return 'it contains a backslash and the session has sql_mode NO_BACKSLASH_ESCAPES, so the server could read it differently from the parser';
    }
    const words = new Set(query.routines.map((routine) => routine.name.toLowerCase()));
    const found = withEffects.find((row) => words.has(row.name.toLowerCase()));
    if (!found) return undefined;
    const declared = `${found.is_deterministic === 'YES' ? 'DETERMINISTIC' : 'NOT DETERMINISTIC'}, ${found.data_access}`;
    return `it names the stored function ${found.db}.${found.name}, declared ${declared}; verify queries may call only stored functions declared DETERMINISTIC with NO SQL or READS SQL DATA`;
  });
}
