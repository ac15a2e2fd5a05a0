import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import type { ReplicaReader } from '../dialects/replica-types.js';
import { openReplicaConnection, type ReplicaConnection } from './connection.js';
import { withTimeout } from './timeout.js';
import type { ReplicaStatus, ReplicationPosition } from './types.js';

/** Longest wait of one reading of one server (connect or query). */
export const defaultReadTimeoutMs = 5_000;

/**
 * Reads the replication state of a primary's replicas, again and again, through the primary's dialect's
 * `ReplicaReader` (MySQL/MariaDB: `SHOW REPLICA STATUS` on each replica given by URL; PostgreSQL: each
 * standby's own view and the standbys the primary streams to, `pg_stat_replication`). Keeps one
 * connection per replica, reopened when it dies; every connect and query is bounded, so a reading never
 * hangs.
 */
export class ReplicaMonitor {
  private readonly connections = new Map<string, ReplicaConnection>();
  private readonly reader: ReplicaReader;

  constructor(
    primary: Database,
    private readonly urls: readonly string[],
    private readonly timeoutMs: number = defaultReadTimeoutMs,
  ) {
    this.reader = dialectOf(primary).createReplicaReader({
      primary,
      queryPrimary: (sql, budgetMs) => withTimeout(primary.query(sql), budgetMs, 'primary', () => {}),
      connection: (url, budgetMs) => this.connection(url, budgetMs),
      bounded: (url, budgetMs, work) => this.bounded(url, budgetMs, work),
    });
  }

  /** Nothing to watch: no replica URLs, and a primary that does not name its replicas (MySQL/MariaDB). */
  get idle(): boolean {
    return !this.reader.findsReplicasOnPrimary && this.urls.length === 0;
  }

  /**
   * The primary's position now (binary log file and offset with its server id; PostgreSQL: WAL LSN), or
   * null when it cannot be read (MySQL/MariaDB: binary log off, or no BINLOG MONITOR / REPLICATION CLIENT).
   */
  async position(budgetMs: number = this.timeoutMs): Promise<{ position: ReplicationPosition | null; error?: string }> {
    try {
      return await this.reader.position(budgetMs);
    } catch (error) {
      return { position: null, error: (error as Error).message };
    }
  }

  /**
   * One reading of every replica, within about `budgetMs` (default 5 s) per server asked. Never throws: a
   * replica that cannot be read within it is `unreachable` or `unreadable`, and its connection is dropped.
   * With `required`, a replica that has not replayed that primary position yet is marked `pending`.
   */
  read(budgetMs: number = this.timeoutMs, required?: ReplicationPosition): Promise<ReplicaStatus[]> {
    return this.reader.read(this.urls, budgetMs, required);
  }

  /** Closes every replica connection (without waiting on a server that does not answer). */
  close(): void {
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  /** Runs `work` on one replica, giving up (and dropping its connection) after `budgetMs`. */
  private bounded<T>(url: string, budgetMs: number, work: () => Promise<T>): Promise<T> {
    return withTimeout(work(), budgetMs, 'replica', () => {
      this.connections.get(url)?.close();
      this.connections.delete(url);
    });
  }

  private async connection(url: string, budgetMs: number): Promise<ReplicaConnection> {
    const open = this.connections.get(url);
    if (open && !open.dead) return open;
    this.connections.delete(url);
    const fresh = await openReplicaConnection(url, budgetMs);
    this.connections.get(url)?.close();
    this.connections.set(url, fresh);
    return fresh;
  }
}
