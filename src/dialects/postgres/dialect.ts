import type { ServerInfo } from '../../connection/database.js';
import type { Dialect } from '../types.js';

/** Placeholder until the postgres dialect lands. */
export function createPostgresDialect(_server: ServerInfo): Dialect {
  throw new Error('postgres dialect not built yet');
}
