import type { Database, Row } from '../connection/database.js';
import type { ReplicaConnection } from '../replicas/connection.js';
import type { ReplicaStatus, ReplicationPosition } from '../replicas/types.js';

/** A connection straight from the driver to a replica: one statement at a time, and a `destroy` that drops the socket at once. */
export interface RawReplicaConnection {
  run(sql: string): Promise<Row[]>;
  destroy(): void;
}

/**
 * How one dialect's driver connects to a replica, chosen by the replica URL's dialect (which may differ
 * from the primary's: such a replica is reported, not read).
 */
export interface ReplicaDriver {
  /** Settings that bound the driver's own connect (pg: `connectionTimeoutMillis`, mysql2: `connectTimeout`). */
  connectTimeout(ms: number): Record<string, unknown>;
  /** Opens one connection within `timeoutMs` (a connect that does not answer destroys the socket and rejects). */
  open(settings: Record<string, unknown>, timeoutMs: number): Promise<RawReplicaConnection>;
}

/** What a replica reader uses of the monitor that made it: the primary and one bounded connection per replica URL. */
export interface ReplicaAccess {
  readonly primary: Database;
  /** One statement on the primary, given up after `budgetMs`. */
  queryPrimary(sql: string, budgetMs: number): Promise<Row[]>;
  /** The open connection to a replica URL, (re)opened when needed within `budgetMs`; rejects when it cannot be. */
  connection(url: string, budgetMs: number): Promise<ReplicaConnection>;
  /** Runs `work` for one replica URL, giving up (and dropping its connection) after `budgetMs`. */
  bounded<T>(url: string, budgetMs: number, work: () => Promise<T>): Promise<T>;
}

/**
 * One dialect's reading of a primary's replication (the primary's position, each replica's state and
 * lag), made once per monitor: a reader may remember earlier readings (how long a standby's replay
 * position has stood still, which standbys the primary streamed to).
 */
export interface ReplicaReader {
  /** The primary names its replicas itself (PostgreSQL's `pg_stat_replication`): there is something to watch without a URL. */
  readonly findsReplicasOnPrimary: boolean;
  /**
   * The primary's position now (binary log file and offset with its server id; PostgreSQL: WAL LSN), or
   * null with why; throws when the primary cannot be asked.
   */
  position(budgetMs: number): Promise<{ position: ReplicationPosition | null; error?: string }>;
  /**
   * One reading of the replicas given by URL (and those the primary names), within about `budgetMs` per
   * server asked. Never throws: a replica that cannot be read says so in its state. With `required`, a
   * replica that has not replayed that primary position yet is marked `pending`.
   */
  read(urls: readonly string[], budgetMs: number, required?: ReplicationPosition): Promise<ReplicaStatus[]>;
}
