import type { LiveColumn, LiveSchema, LiveTable, TableRef } from '../../model/schema.js';
import { tableKey } from '../../model/schema.js';
import { type QueryRunner, readIndexes } from './index-reader.js';

interface CatalogPartition {
  schema: string;
  name: string;
  kind: string;
}

interface CatalogTable {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  estimated_rows: number | null;
  total_bytes: string | null;
  partitions: CatalogPartition[];
}

interface CatalogRelation {
  schema: string;
  name: string;
  kind: string;
  /** For an index: the table it is on. */
  table: string | null;
}

const relationKinds: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  v: 'view',
  m: 'materialized view',
  c: 'composite type',
  f: 'foreign table',
  t: 'TOAST table',
};

/** One table a publication publishes (pg_publication_tables). */
interface CatalogPublication {
  schema: string;
  table: string;
  publication: string;
}

interface CatalogColumn {
  table_oid: string;
  name: string;
  type: string;
  data_type: string;
  nullable: boolean;
  generated: string;
  character_length: number | null;
}

// Tables (plain, partitioned, materialized views) by (schema, name), with their direct partitions,
// the keywords quote_ident quotes on this server, and the relations that carry one of the names asked
// about (index names share one namespace with tables and sequences per schema); one row. Every part
// looks its rows up by name (pg_class_relname_nsp_index): the cost does not grow with the schema. The
// publications that publish the tables come from pg_publication_tables, which expands every publication
// (all its kinds, partitions, every version): its cost grows with what the publications publish, nil without one.
const tableQuery = `
select
  (select coalesce(json_agg(json_build_object(
      'oid', c.oid::bigint::text, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
      'estimated_rows', (select sum(greatest(pc.reltuples, 0)) from pg_partition_tree(c.oid) t
                           join pg_class pc on pc.oid = t.relid where t.isleaf),
      'total_bytes', (select sum(pg_total_relation_size(t.relid)) from pg_partition_tree(c.oid) t)::text,
      'partitions', (select coalesce(json_agg(json_build_object('schema', pn.nspname, 'name', pc.relname, 'kind', pc.relkind)
                       order by pn.nspname, pc.relname), '[]'::json)
                     from pg_inherits h join pg_class pc on pc.oid = h.inhrelid
                     join pg_namespace pn on pn.oid = pc.relnamespace where h.inhparent = c.oid)
    )), '[]'::json)
   from json_to_recordset(?::json) as w(schema_name text, table_name text)
   join pg_namespace n on n.nspname = w.schema_name
   join pg_class c on c.relnamespace = n.oid and c.relname = w.table_name and c.relkind in ('r', 'p', 'm')
  ) as tables,
  (select array_agg(word::text) from pg_get_keywords() where catcode <> 'U') as keywords,
  (select coalesce(json_agg(json_build_object('schema', n.nspname, 'name', c.relname, 'kind', c.relkind,
      'table', (select tc.relname from pg_index i join pg_class tc on tc.oid = i.indrelid where i.indexrelid = c.oid))), '[]'::json)
   from json_to_recordset(?::json) as w(schema_name text, relation_name text)
   join pg_namespace n on n.nspname = w.schema_name
   join pg_class c on c.relnamespace = n.oid and c.relname = w.relation_name
  ) as relations,
  (select coalesce(json_agg(json_build_object('schema', p.schemaname, 'table', p.tablename, 'publication', p.pubname)
      order by p.pubname), '[]'::json)
   from pg_publication_tables p
   where (p.schemaname, p.tablename) in (select w.schema_name, w.table_name from json_to_recordset(?::json) as w(schema_name text, table_name text))
  ) as publications`;

const columnQuery = `
select a.attrelid::bigint::text as table_oid, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
  bt.typname as data_type, not a.attnotnull as nullable, a.attgenerated::text as generated,
  case when bt.typname in ('varchar', 'bpchar') and a.atttypmod > 4 then a.atttypmod - 4 end as character_length
from pg_attribute a
join pg_type t on t.oid = a.atttypid
join pg_type bt on bt.oid = coalesce(nullif(t.typbasetype, 0), t.oid)
where a.attrelid in (select value::oid from json_array_elements_text(?::json)) and a.attnum > 0 and not a.attisdropped
order by a.attrelid, a.attnum`;

function columnOf(row: CatalogColumn): LiveColumn {
  const generated = row.generated === 's' ? 'stored' : row.generated === 'v' ? 'virtual' : null;
  const column: LiveColumn = {
    name: row.name,
    type: row.type,
    dataType: row.data_type,
    nullable: row.nullable,
    generated,
  };
  if (row.character_length !== null) column.characterLength = row.character_length;
  return column;
}

/** Result of reading tables: the schema and the keywords the server's quote_ident quotes. */
export interface IntrospectionResult {
  schema: LiveSchema;
  quotedKeywords: Set<string>;
}

/**
 * Reads the named tables (with the publications that publish them), their columns and indexes (with
 * their replica identity, CLUSTER mark, comment and statistics targets) in three catalog queries,
 * whatever their number, and which relations of their schemas carry one of `namesAsked` (schema, name).
 */
export async function introspectTables(
  run: QueryRunner,
  refs: readonly TableRef[],
  namesAsked: readonly TableRef[] = [],
): Promise<IntrospectionResult> {
  // arrays travel as one JSON text binding: knex would expand a JS array into a list of placeholders
  const wanted = JSON.stringify(refs.map((ref) => ({ schema_name: ref.schema, table_name: ref.name })));
  const names = JSON.stringify(namesAsked.map((ref) => ({ schema_name: ref.schema, relation_name: ref.name })));
  const [head] = await run<{
    tables: CatalogTable[];
    keywords: string[] | null;
    relations: CatalogRelation[];
    publications: CatalogPublication[];
  }>(tableQuery, [wanted, names, wanted]);
  const catalogTables = head?.tables ?? [];
  const quotedKeywords = new Set(head?.keywords ?? []);
  const refsByOid = new Map<string, TableRef>(catalogTables.map((t) => [t.oid, { schema: t.schema, name: t.name }]));
  const oids = [...refsByOid.keys()];
  const columnRows =
    oids.length > 0 ? await run<CatalogColumn & Record<string, unknown>>(columnQuery, [JSON.stringify(oids)]) : [];
  const indexes = await readIndexes(run, refsByOid);
  const columns = new Map<string, LiveColumn[]>();
  for (const row of columnRows) {
    const list = columns.get(row.table_oid) ?? [];
    list.push(columnOf(row));
    columns.set(row.table_oid, list);
  }
  const publications = new Map<string, string[]>();
  for (const row of head?.publications ?? []) {
    const key = tableKey({ schema: row.schema, name: row.table });
    publications.set(key, [...(publications.get(key) ?? []), row.publication]);
  }
  const tables = new Map<string, LiveTable>();
  for (const row of catalogTables) {
    const table: LiveTable = {
      schema: row.schema,
      name: row.name,
      columns: columns.get(row.oid) ?? [],
      indexes: indexes.get(row.oid) ?? [],
      estimatedRows: Number(row.estimated_rows ?? 0),
      totalBytes: Number(row.total_bytes ?? 0),
      partitioned: row.kind === 'p',
    };
    const published = publications.get(tableKey(table));
    if (published) table.publications = published;
    // the online pattern handles one level of plain-table partitions; anything else is left to a blocking build
    if (table.partitioned && row.partitions.every((part) => part.kind === 'r')) {
      table.partitions = row.partitions.map((part) => ({ schema: part.schema, name: part.name }));
    }
    tables.set(tableKey(table), table);
  }
  const relationNames = new Map<string, Map<string, string>>();
  for (const relation of head?.relations ?? []) {
    const names = relationNames.get(relation.schema) ?? new Map<string, string>();
    const kind = relationKinds[relation.kind] ?? 'relation';
    names.set(relation.name, relation.table ? `${kind} on table "${relation.table}"` : kind);
    relationNames.set(relation.schema, names);
  }
  return { schema: { tables, relationNames }, quotedKeywords };
}
