import type { ServerInfo } from '../connection/database.js';
import { createMysqlDialect } from './mysql/dialect.js';
import { createPostgresDialect } from './postgres/dialect.js';
import type { Dialect } from './types.js';

/** The dialect for a connected server (MariaDB is a flavor of mysql). */
export function createDialect(server: ServerInfo): Dialect {
  return server.dialect === 'postgres' ? createPostgresDialect(server) : createMysqlDialect(server);
}
