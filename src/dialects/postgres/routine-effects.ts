import type { Database } from '../../connection/database.js';
import type { CheckedVerifyQuery, RoutineRef } from '../explain-types.js';

/** One catalog row: a function or operator candidate with its volatility, or a session fact. */
type RoutineRow = {
  kind: 'function' | 'operator' | 'search_path' | 'standard_conforming_strings';
  schema: string | null;
  name: string | null;
  volatility: string | null;
};

/**
 * Every function and operator named `$1`/`$2` (JSON arrays) in any schema, with the `provolatile` of
 * the function behind it, plus the schemas an unqualified name is looked up in and whether backslashes
 * in string literals are literal (how libpg_query reads them).
 */
const routinesSql = `
select 'function' as kind, n.nspname as schema, p.proname as name, p.provolatile::text as volatility
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.proname in (select jsonb_array_elements_text(?::jsonb))
union all
select 'operator', n.nspname, o.oprname, p.provolatile::text
  from pg_catalog.pg_operator o join pg_catalog.pg_namespace n on n.oid = o.oprnamespace
  join pg_catalog.pg_proc p on p.oid = o.oprcode
 where o.oprname in (select jsonb_array_elements_text(?::jsonb))
union all
select 'search_path', s, null, null from unnest(pg_catalog.current_schemas(true)) s
union all
select 'standard_conforming_strings', null, pg_catalog.current_setting('standard_conforming_strings'), null`;

const volatilityNames: Record<string, string> = { i: 'IMMUTABLE', s: 'STABLE', v: 'VOLATILE' };

function display(routine: RoutineRef): string {
  return routine.schema ? `${routine.schema}.${routine.name}` : routine.name;
}

/** Why one routine may not be called by a verify query, if it may not. */
function routineProblem(routine: RoutineRef, rows: RoutineRow[], path: string[]): string | undefined {
  const candidates = rows.filter(
    (row) =>
      row.kind === routine.kind &&
      row.name === routine.name &&
      (routine.schema ? row.schema === routine.schema : path.includes(row.schema ?? '')),
  );
  if (routine.kind === 'function' && candidates.length === 0) {
    return `it calls ${display(routine)}(), which is not a function on the target, so its volatility cannot be checked`;
  }
  const volatile = candidates.find((row) => row.volatility === 'v');
  if (!volatile) return undefined;
  const what =
    routine.kind === 'function'
      ? `it calls ${volatile.schema}.${routine.name}(), which is`
      : `it uses the operator ${display(routine)}, whose function is`;
  return `${what} ${volatilityNames.v} in pg_proc (it may have effects); verify queries may call only IMMUTABLE or STABLE functions`;
}

/**
 * Looks up, in one catalog query, every function and operator the verify queries name: each must be
 * IMMUTABLE or STABLE in `pg_proc` (an operator: the function behind every operator of that name
 * visible to the query); a function the catalog does not know is refused too. With
 * `standard_conforming_strings` off the server reads backslashes in strings differently from the
 * parser, so a query containing one is refused.
 */
export async function postgresRefusedForEffects(
  db: Database,
  queries: readonly CheckedVerifyQuery[],
): Promise<Array<string | undefined>> {
  if (queries.length === 0) return [];
  const names = (kind: RoutineRef['kind']) =>
    JSON.stringify([
      ...new Set(queries.flatMap((query) => query.routines.filter((r) => r.kind === kind).map((r) => r.name))),
    ]);
  const rows = await db.query<RoutineRow>(routinesSql, [names('function'), names('operator')]);
  const path = rows.filter((row) => row.kind === 'search_path').map((row) => row.schema ?? '');
  const literalBackslashes = rows.find((row) => row.kind === 'standard_conforming_strings')?.name !== 'off';
  return queries.map((query) => {
    if (!literalBackslashes && query.sql.includes('\\')) {
      return 'it contains a backslash and the server has standard_conforming_strings off, so it could read the query differently from the parser';
    }
    for (const routine of query.routines) {
      const problem = routineProblem(routine, rows, path);
      if (problem) return problem;
    }
    return undefined;
  });
}
