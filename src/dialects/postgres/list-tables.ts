import type { Database } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';

// Plain tables, partitioned parents and materialized views with at least one index; partitions are
// left out because their indexes belong to the parent's.
const indexedTablesQuery = `
select n.nspname as schema, c.relname as name
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
where n.nspname = ? and c.relkind in ('r', 'p', 'm') and not c.relispartition
  and exists (select 1 from pg_index i where i.indrelid = c.oid)
order by c.relname`;

/** Tables of one PostgreSQL schema that have indexes (partitions excluded), in one query. */
export async function listPostgresIndexedTables(db: Database, schema: string): Promise<TableRef[]> {
  const rows = await db.query<{ schema: string; name: string }>(indexedTablesQuery, [schema]);
  return rows.map((row) => ({ schema: row.schema, name: row.name }));
}
