import type { Database } from '../connection/database.js';
import type { TableRef } from '../model/schema.js';

/** One index's usage counter as a statistics source reports it. */
export interface IndexCounter {
  schema: string;
  table: string;
  index: string;
  /** Scans (PostgreSQL) or rows read through the index (MySQL/MariaDB) since the counters started. */
  scans: number;
  /** When the index was last scanned, where the server records it (PostgreSQL 16+). */
  lastScan: Date | null;
}

/** What one server says about index usage at one moment. */
export interface UsageReading {
  /** What `scans` counts: index scans (PostgreSQL) or rows read through the index (MySQL/MariaDB). */
  unit: 'scans' | 'rows_read';
  /** The server's clock when the counters were read. */
  readAt: Date;
  /** When the server started. */
  serverStart: Date | null;
  /** When its statistics were last reset, where the server records it (PostgreSQL `stats_reset`). */
  statsReset: Date | null;
  /** Whether `lastScan` is kept by this server (PostgreSQL 16+ `last_idx_scan`). */
  tracksLastScan: boolean;
  /**
   * The counters cover everything since the later of `statsReset` and `serverStart` (PostgreSQL); false
   * where they may have started later (MariaDB counts only while userstat=1; MySQL's table can be truncated).
   */
  countersStartKnown: boolean;
  /** An index the source does not list was never read (MariaDB/MySQL list only indexes with reads). */
  missingMeansUnread: boolean;
  /** Null when the counters can be read; else why not (statistics off), printable. */
  unavailable: string | null;
  /** Counters of the indexes of the tables asked for that the server reports (missing ones: no reads). */
  counters: IndexCounter[];
}

/** A foreign key: the referencing table needs an index that starts with its columns. */
export interface ForeignKey {
  schema: string;
  table: string;
  name: string;
  columns: string[];
}

/** Where a dialect reads index usage and foreign keys. */
export interface UsageDialect {
  /** What this server's counters count, also when they cannot be read. */
  unit: UsageReading['unit'];
  /** Reads the usage counters of every index of the tables, in a constant number of queries. */
  readUsage(db: Database, tables: readonly TableRef[]): Promise<UsageReading>;
  /** The foreign keys declared on the tables (the referencing side), in one query. */
  foreignKeys(db: Database, tables: readonly TableRef[]): Promise<ForeignKey[]>;
}
