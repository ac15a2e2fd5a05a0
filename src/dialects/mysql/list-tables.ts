import type { Database } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';

const indexedTablesQuery = `
select distinct TABLE_SCHEMA as \`schema\`, TABLE_NAME as name
from information_schema.STATISTICS
where TABLE_SCHEMA = ?
order by TABLE_NAME`;

/** Tables of one MySQL/MariaDB database that have indexes, in one query. */
export async function listMysqlIndexedTables(db: Database, schema: string): Promise<TableRef[]> {
  const rows = await db.query<{ schema: string; name: string }>(indexedTablesQuery, [schema]);
  return rows.map((row) => ({ schema: String(row.schema), name: String(row.name) }));
}
