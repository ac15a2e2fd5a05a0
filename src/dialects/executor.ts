import type { ServerInfo } from '../connection/database.js';
import type { DialectExecutor } from './executor-types.js';
import { createMysqlExecutor } from './mysql/execute.js';
import { createPostgresExecutor } from './postgres/execute.js';

/** The execution side of the dialect for a connected server. */
export function createDialectExecutor(server: ServerInfo): DialectExecutor {
  return server.dialect === 'postgres' ? createPostgresExecutor(server) : createMysqlExecutor(server);
}
