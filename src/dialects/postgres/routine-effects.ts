import type { Database } from '../../connection/database.js';
import type { CheckedVerifyQuery, RoutineRef } from '../explain-types.js';

/** One catalog row: a function or operator candidate with its volatility, or a session fact. */
type RoutineRow = {
  kind: 'function' | 'operator' | 'relation' | 'search_path' | 'standard_conforming_strings';
  schema: string | null;
  name: string | null;
  volatility: string | null;
  /** For a relation: a VOLATILE function its view rules or row-security policies reach. */
  calls: string | null;
};

/**
 * The relations named `$1` with every VOLATILE function their view rules and row-security policies
 * call, through the views they read (`pg_depend`); the functions are read from the stored expression
 * trees (`:funcid`, `:opfuncid`, ...), since pg_depend records no dependency on built-in functions
 * (no `?` in this text: knex would take it for a placeholder). Every function and operator named
 * `$2`/`$3` (JSON arrays) in any schema with the `provolatile` of the function behind it, plus the
 * schemas an unqualified name is looked up in and whether backslashes in string literals are literal
 * (how libpg_query reads them).
 */
const routinesSql = `
with recursive sources as (
  select r.ev_class as rel, 'pg_catalog.pg_rewrite'::regclass as classid, r.oid as objid, r.ev_action::text as tree
    from pg_catalog.pg_rewrite r
  union all
  select p.polrelid, 'pg_catalog.pg_policy'::regclass, p.oid,
         coalesce(p.polqual::text, '') || ' ' || coalesce(p.polwithcheck::text, '')
    from pg_catalog.pg_policy p
), reach(start, rel) as (
  select c.oid, c.oid from pg_catalog.pg_class c where c.relname in (select jsonb_array_elements_text(?::jsonb))
  union
  select reach.start, d.refobjid
    from reach join sources s on s.rel = reach.rel
    join pg_catalog.pg_depend d on d.classid = s.classid and d.objid = s.objid
   where d.refclassid = 'pg_catalog.pg_class'::regclass
), called(start, fn) as (
  select reach.start, m[2]::oid
    from reach join sources s on s.rel = reach.rel,
         lateral regexp_matches(s.tree, ':(funcid|opfuncid|aggfnoid|winfnoid) (\\d+)', 'g') m
)
select 'function' as kind, n.nspname as schema, p.proname as name, p.provolatile::text as volatility, null as calls
  from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
 where p.proname in (select jsonb_array_elements_text(?::jsonb))
union all
select 'operator', n.nspname, o.oprname, p.provolatile::text, null
  from pg_catalog.pg_operator o join pg_catalog.pg_namespace n on n.oid = o.oprnamespace
  join pg_catalog.pg_proc p on p.oid = o.oprcode
 where o.oprname in (select jsonb_array_elements_text(?::jsonb))
union all
select 'relation', n.nspname, c.relname, 'v', fn.nspname || '.' || p.proname
  from called join pg_catalog.pg_proc p on p.oid = called.fn and p.provolatile = 'v'
  join pg_catalog.pg_class c on c.oid = called.start join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  join pg_catalog.pg_namespace fn on fn.oid = p.pronamespace
union all
select 'search_path', s, null, null, null from unnest(pg_catalog.current_schemas(true)) s
union all
select 'standard_conforming_strings', null, pg_catalog.current_setting('standard_conforming_strings'), null, null`;

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
  if (routine.kind === 'relation') {
    const reached = candidates.find((row) => row.calls);
    return reached
      ? `it reads ${display(routine)}, whose view rules or row-security policies call ${reached.calls}(), which is VOLATILE in pg_proc (it may have effects)`
      : undefined;
  }
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
 * visible to the query); a function the catalog does not know is refused too. A relation the query
 * reads is refused when its view rules or row-security policies, followed through the views they
 * read, call a VOLATILE function or operator. With
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
  const rows = await db.query<RoutineRow>(routinesSql, [names('relation'), names('function'), names('operator')]);
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
