import type { Row } from '../../connection/database.js';
import type { KeyPart } from '../../model/index-model.js';
import { type IndexConstraint, LiveIndex, type TableRef } from '../../model/schema.js';
import { formatDefinition, keyPartOptions } from './definition.js';

/** Runs one statement (a pooled query or a dedicated session). */
export type QueryRunner = <T extends Row = Row>(sql: string, bindings?: readonly unknown[]) => Promise<T[]>;

/** One key or INCLUDE column as the catalog describes it. */
interface CatalogKey {
  /** pg_get_indexdef(index, k, false): the column or expression exactly as the definition prints it. */
  text: string;
  column: string | null;
  key: boolean;
  desc: boolean;
  nulls_first: boolean;
  opclass: string | null;
  collation: string | null;
}

interface CatalogIndex extends Row {
  table_oid: string;
  name: string;
  quoted_name: string;
  quoted_table: string;
  method: string;
  quoted_method: string;
  is_unique: boolean;
  is_valid: boolean;
  is_partitioned: boolean;
  can_order: boolean;
  definition: string;
  predicate: string | null;
  size_bytes: string | null;
  constraint_type: string | null;
  parent_index: string | null;
  children: { schema: string; table: string; name: string; replident: boolean }[] | null;
  is_replident: boolean;
  is_clustered: boolean;
  tablespace: string | null;
  comment: string | null;
  statistics: { column: number; target: number }[] | null;
  keys: CatalogKey[];
}

// One query for every index of every table asked for. Opclass and collation are reported only when
// pg_get_indexdef would print them (not the default for the key's type), in the server's own quoting.
// The FROM list joins only what every row needs; the rest are scalar subqueries, each planned on its
// own: a wide join here made the planner search join orders, and planning this query on a new backend
// took ~15 ms against ~9 ms now (on the critical path of every plan and apply; same rows, checked on
// Pagila with opclasses, collations, expressions, partial, INCLUDE and partitioned indexes).
const indexQuery = `
select i.indrelid::bigint::text as table_oid, ic.relname as name, quote_ident(ic.relname) as quoted_name,
  (select quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) from pg_class tc
     join pg_namespace tn on tn.oid = tc.relnamespace where tc.oid = i.indrelid) as quoted_table,
  am.amname as method, quote_ident(am.amname) as quoted_method,
  i.indisunique as is_unique, i.indisvalid as is_valid, ic.relkind = 'I' as is_partitioned,
  pg_indexam_has_property(am.oid, 'can_order') as can_order,
  pg_get_indexdef(i.indexrelid) as definition,
  pg_get_expr(i.indpred, i.indrelid) as predicate,
  (select sum(pg_relation_size(p.relid)) from pg_partition_tree(i.indexrelid) p)::text as size_bytes,
  (select con.contype::text from pg_constraint con
    where con.conindid = i.indexrelid and con.conrelid = i.indrelid and con.contype in ('p', 'u', 'x')
    limit 1) as constraint_type,
  (select quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) from pg_inherits h
     join pg_class pc on pc.oid = h.inhparent join pg_namespace pn on pn.oid = pc.relnamespace
    where h.inhrelid = i.indexrelid) as parent_index,
  (select json_agg(json_build_object('schema', cn.nspname, 'table', ct.relname, 'name', ci.relname,
                                     'replident', x.indisreplident) order by ct.relname)
     from pg_inherits h join pg_class ci on ci.oid = h.inhrelid join pg_index x on x.indexrelid = ci.oid
     join pg_class ct on ct.oid = x.indrelid join pg_namespace cn on cn.oid = ct.relnamespace
    where h.inhparent = i.indexrelid) as children,
  i.indisreplident as is_replident, i.indisclustered as is_clustered,
  (select d.description from pg_description d
    where d.objoid = i.indexrelid and d.classoid = 'pg_class'::regclass and d.objsubid = 0) as comment,
  -- 0 (no row) is the database's default tablespace; pg_get_indexdef never prints the clause
  (select ts.spcname from pg_tablespace ts where ts.oid = ic.reltablespace) as tablespace,
  -- a column's default target is -1 up to PostgreSQL 16 and NULL from 17
  (select json_agg(json_build_object('column', a.attnum, 'target', a.attstattarget) order by a.attnum)
     from pg_attribute a where a.attrelid = i.indexrelid and a.attnum > 0 and nullif(a.attstattarget, -1) is not null
  ) as statistics,
  (select json_agg(json_build_object(
    'text', pg_get_indexdef(i.indexrelid, k.n::int, false),
    'column', a.attname,
    'key', k.n <= i.indnkeyatts,
    'desc', k.n <= i.indnkeyatts and (i.indoption[k.n - 1] & 1) <> 0,
    'nulls_first', k.n <= i.indnkeyatts and (i.indoption[k.n - 1] & 2) <> 0,
    'opclass', (select case when opc.opcdefault and (
        opc.opcintype = kt.base
        or exists (select 1 from pg_cast c where c.castsource = kt.base and c.casttarget = opc.opcintype and c.castmethod = 'b')
        or (select t.typtype from pg_type t where t.oid = opc.opcintype) = 'p'
        or (a.attnum is null and opc.opckeytype <> 0))
      then null
      when pg_opclass_is_visible(opc.oid) then quote_ident(opc.opcname)
      else quote_ident(opcn.nspname) || '.' || quote_ident(opc.opcname) end
      from pg_opclass opc
      join pg_namespace opcn on opcn.oid = opc.opcnamespace
      left join lateral (
        select coalesce(nullif(t.typbasetype, 0), t.oid) as base from pg_type t
         where t.oid = coalesce(a.atttypid, (select ia.atttypid from pg_attribute ia where ia.attrelid = i.indexrelid and ia.attnum = k.n))
      ) kt on true
      where k.n <= i.indnkeyatts and opc.oid = i.indclass[k.n - 1]),
    'collation', (select case when co.oid = coalesce(a.attcollation, (select d.oid from pg_collation d where d.collname = 'default' and d.collnamespace = 'pg_catalog'::regnamespace))
      then null
      when pg_collation_is_visible(co.oid) then quote_ident(co.collname)
      else quote_ident(con_ns.nspname) || '.' || quote_ident(co.collname) end
      from pg_collation co join pg_namespace con_ns on con_ns.oid = co.collnamespace
      where k.n <= i.indnkeyatts and co.oid = i.indcollation[k.n - 1])
  ) order by k.n)
  from unnest(i.indkey::int2[]) with ordinality as k(attnum, n)
  left join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum and k.attnum <> 0
  ) as keys
from (select value::oid as oid from json_array_elements_text(?::json)) as wanted
join pg_index i on i.indrelid = wanted.oid
join pg_class ic on ic.oid = i.indexrelid
join pg_am am on am.oid = ic.relam
order by i.indrelid, ic.relname`;

const constraintKinds: Record<string, IndexConstraint> = { p: 'primary', u: 'unique', x: 'exclusion' };

function keyPartOf(key: CatalogKey, canOrder: boolean): KeyPart {
  const part: KeyPart =
    key.column !== null ? { column: key.column, order: 'asc' } : { expression: key.text, order: 'asc' };
  if (canOrder && key.desc) part.order = 'desc';
  // NULLS is kept only where it differs from the order's default (LAST for ASC, FIRST for DESC)
  if (canOrder && key.nulls_first !== key.desc) part.nulls = key.nulls_first ? 'first' : 'last';
  if (key.opclass !== null) part.opclass = key.opclass;
  if (key.collation !== null) part.collation = key.collation;
  return part;
}

/** The definition the model of a catalog row prints back, in the server's quoting (the trust check). */
function reprint(row: CatalogIndex, keyParts: KeyPart[]): string {
  const keyTexts = row.keys.filter((key) => key.key).map((key) => key.text);
  const keys = keyParts.map((part, i) => (keyTexts[i] ?? '') + keyPartOptions(part));
  const pieces = {
    unique: row.is_unique,
    concurrently: false,
    name: row.quoted_name,
    only: row.is_partitioned,
    table: row.quoted_table,
    method: row.quoted_method,
    keys,
    include: row.keys.filter((key) => !key.key).map((key) => key.text),
  };
  return formatDefinition(row.predicate === null ? pieces : { ...pieces, where: row.predicate });
}

/** Builds the LiveIndex of one catalog row, reported for the table `ref`. */
function liveIndexOf(row: CatalogIndex, ref: TableRef): LiveIndex {
  const keyParts = row.keys.filter((key) => key.key).map((key) => keyPartOf(key, row.can_order));
  const include = row.keys.filter((key) => !key.key).map((key) => key.column ?? key.text);
  const definition = {
    schema: ref.schema,
    table: ref.name,
    name: row.name,
    unique: row.is_unique,
    method: row.method,
    keyParts,
    include,
    ...(row.predicate === null ? {} : { where: row.predicate }),
  };
  return new LiveIndex(definition, {
    valid: row.is_valid,
    visible: true,
    constraint: constraintKinds[row.constraint_type ?? ''] ?? null,
    definition: row.definition,
    partitioned: row.is_partitioned,
    sizeBytes: Number(row.size_bytes ?? 0),
    roundTrips: reprint(row, keyParts) === row.definition,
    ...(row.is_replident ? { replicaIdentity: true } : {}),
    ...(row.is_clustered ? { clustered: true } : {}),
    ...(row.tablespace === null ? {} : { tablespace: row.tablespace }),
    ...(row.comment === null ? {} : { comment: row.comment }),
    ...(row.statistics === null ? {} : { statisticsTargets: row.statistics }),
    ...(row.parent_index === null ? {} : { parentIndex: row.parent_index }),
    ...(row.children === null
      ? {}
      : {
          partitionIndexes: row.children.map((child) => ({
            partition: { schema: child.schema, name: child.table },
            name: child.name,
            ...(child.replident ? { replicaIdentity: true } : {}),
          })),
        }),
  });
}

/**
 * Reads every index of the tables given by oid in one catalog query, grouped by table oid.
 * `tables` maps each oid to the table the indexes are reported for.
 */
export async function readIndexes(
  run: QueryRunner,
  tables: ReadonlyMap<string, TableRef>,
): Promise<Map<string, LiveIndex[]>> {
  const byTable = new Map<string, LiveIndex[]>();
  if (tables.size === 0) return byTable;
  const rows = await run<CatalogIndex>(indexQuery, [JSON.stringify([...tables.keys()])]);
  for (const row of rows) {
    const ref = tables.get(row.table_oid);
    if (!ref) continue;
    const list = byTable.get(row.table_oid) ?? [];
    list.push(liveIndexOf(row, ref));
    byTable.set(row.table_oid, list);
  }
  return byTable;
}
