import type { Database } from '../../src/connection/database.js';

/**
 * Names of the indexes on `table`, in the server's order; the primary key's only with `primary`.
 * `schema` defaults to the connection's own (pass it for a connection opened without a database).
 */
export async function indexNames(
  db: Database,
  table: string,
  options: { primary?: boolean; schema?: string } = {},
): Promise<string[]> {
  const schema = options.schema ?? db.server.defaultSchema;
  const rows =
    db.server.dialect === 'postgres'
      ? await db.query(
          `select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
             join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid = t.relnamespace
            where n.nspname = ? and t.relname = ? and (? or not i.indisprimary) order by 1`,
          [schema, table, options.primary === true],
        )
      : await db.query(
          `select distinct index_name as name from information_schema.statistics
            where table_schema = ? and table_name = ? and (? or index_name <> 'PRIMARY') order by 1`,
          [schema, table, options.primary === true],
        );
  return rows.map((row) => String(row.name));
}
