import type { Database, ServerInfo } from '../connection/database.js';
import type { DialectName } from '../connection/target.js';
import { createMysqlDialect } from './mysql/dialect.js';
import { mysqlReplicaDriver } from './mysql/replicas.js';
import { createPostgresDialect } from './postgres/dialect.js';
import { postgresReplicaDriver } from './postgres/replicas.js';
import type { ReplicaDriver } from './replica-types.js';
import type { Dialect } from './types.js';

/** The dialect of a server (MariaDB is a flavor of mysql): with `replicaDriverOf`, the only place that picks one by name. */
export function createDialect(server: ServerInfo): Dialect {
  return server.dialect === 'postgres' ? createPostgresDialect(server) : createMysqlDialect(server);
}

const dialects = new WeakMap<Database, Dialect>();

/**
 * The dialect of a connected database, made once per `Database`: everything that plans, applies or
 * measures on it shares one object, and so what it learned from the server (PostgreSQL's keyword
 * list, read at introspection).
 */
export function dialectOf(db: Database): Dialect {
  let dialect = dialects.get(db);
  if (!dialect) {
    dialect = createDialect(db.server);
    dialects.set(db, dialect);
  }
  return dialect;
}

/**
 * How to connect to a replica given by URL, by the URL's own dialect (before any server answered; a
 * replica of the other dialect than its primary's is then reported as not a replica).
 */
export function replicaDriverOf(dialect: DialectName): ReplicaDriver {
  return dialect === 'postgres' ? postgresReplicaDriver : mysqlReplicaDriver;
}
