import type { ServerInfo } from '../../connection/database.js';
import type { Dialect } from '../types.js';

/** Placeholder until the mysql dialect lands. */
export function createMysqlDialect(_server: ServerInfo): Dialect {
  throw new Error('mysql dialect not built yet');
}
