import type { ServerInfo } from '../../connection/database.js';

/** What one PostgreSQL version can do; the one place that reads the PostgreSQL version. */
export interface PostgresFeatures {
  /** `pg_stat_user_indexes.last_idx_scan`: when each index was last scanned (PostgreSQL 16+). */
  lastIdxScan: boolean;
}

/** The features of the connected PostgreSQL server, decided by its version. */
export function postgresFeatures(server: ServerInfo): PostgresFeatures {
  return { lastIdxScan: server.major >= 16 };
}
