import type { Database, ServerInfo } from '../connection/database.js';
import type { TableRef } from '../model/schema.js';
import { listMysqlIndexedTables } from './mysql/list-tables.js';
import { listPostgresIndexedTables } from './postgres/list-tables.js';

/** Prefix of the tool's own state tables, which are never exported or managed. */
const stateTablePrefix = 'safe_index_';

/** Lists the tables of one schema that have at least one index, in one catalog query. */
export type IndexedTableLister = (db: Database, schema: string) => Promise<TableRef[]>;

/** The lister for a connected server (MariaDB is a flavor of mysql). */
export function createIndexedTableLister(server: ServerInfo): IndexedTableLister {
  const list = server.dialect === 'postgres' ? listPostgresIndexedTables : listMysqlIndexedTables;
  return async (db, schema) => (await list(db, schema)).filter((ref) => !ref.name.startsWith(stateTablePrefix));
}
