import type { ServerInfo } from '../../connection/database.js';

/** What one PostgreSQL version can do; the one place that reads the PostgreSQL version. */
export interface PostgresFeatures {
  /** `pg_stat_user_indexes.last_idx_scan`: when each index was last scanned (PostgreSQL 16+). */
  lastIdxScan: boolean;
  /**
   * Why this server must not build indexes concurrently, or null. PostgreSQL 14.0 to 14.3 can build a
   * corrupt index with CREATE INDEX CONCURRENTLY / REINDEX CONCURRENTLY: rows changed during the build
   * may be missing from it (fixed in 14.4, release notes of 14.4).
   */
  concurrentBuildRefusal: string | null;
  /** `client_connection_check_interval` (14+): the server notices a vanished client during a long statement. */
  clientConnectionCheck: boolean;
}

/** The features of the connected PostgreSQL server, decided by its version. */
export function postgresFeatures(server: ServerInfo): PostgresFeatures {
  const broken14 = server.major === 14 && server.minor < 4;
  return {
    lastIdxScan: server.major >= 16,
    concurrentBuildRefusal: broken14
      ? `PostgreSQL ${server.version} can build a corrupt index concurrently (rows changed during CREATE INDEX CONCURRENTLY may be missing from it; fixed in 14.4): upgrade to 14.4 or later first`
      : null,
    clientConnectionCheck: server.major >= 14,
  };
}
