import type { Database } from '../connection/database.js';
import { maskUrl } from '../connection/target.js';
import { openReplicaConnection, type ReplicaConnection, withTimeout } from './connection.js';
import { binlogStatusSql, mysqlReplicaStatus, replicaStatusSql } from './mysql.js';
import {
  currentLsnSql,
  formatLsn,
  parseLsn,
  primarySql,
  type StandbySelf,
  senderName,
  standbySelfOf,
  standbySql,
  type WalSender,
  walSenderOf,
} from './postgres.js';
import type { ReplicaStatus, ReplicationPosition } from './types.js';

/** Longest wait of one reading of one server (connect or query). */
export const defaultReadTimeoutMs = 5_000;

/**
 * Reads the replication state of a primary's replicas, again and again: the replicas given by URL
 * (MySQL/MariaDB: `SHOW REPLICA STATUS` on each; PostgreSQL: the standby's own view) and, on PostgreSQL,
 * the standbys the primary streams to (`pg_stat_replication`). Keeps one connection per replica,
 * reopened when it dies; every connect and query is bounded, so a reading never hangs.
 *
 * PostgreSQL lag: 0 when the standby has replayed the primary's current WAL position; otherwise the
 * larger of the primary's `replay_lag` and how long the standby's replay position has stood still
 * while WAL waited (a paused or stuck standby's `replay_lag` stops growing, the standing still does not).
 */
export class ReplicaMonitor {
  private readonly connections = new Map<string, ReplicaConnection>();
  /** Replay position of each standby and since when it has not moved while behind. */
  private readonly still = new Map<string, { lsn: bigint; since: number }>();
  /** Standbys the primary streamed to at an earlier reading: one that disappears is disconnected, not gone. */
  private readonly seen = new Set<string>();
  /** The application name each standby given by URL streams under (kept while it cannot be read). */
  private readonly streamsAs = new Map<string, string>();

  constructor(
    private readonly primary: Database,
    private readonly urls: readonly string[],
    private readonly timeoutMs: number = defaultReadTimeoutMs,
  ) {}

  /** Nothing to watch: a MySQL/MariaDB primary without replica URLs (PostgreSQL standbys are found on the primary). */
  get idle(): boolean {
    return this.primary.server.dialect !== 'postgres' && this.urls.length === 0;
  }

  /**
   * The primary's position now (binary log file and offset with its server id; PostgreSQL: WAL LSN), or
   * null when it cannot be read (MySQL/MariaDB: binary log off, or no BINLOG MONITOR / REPLICATION CLIENT).
   */
  async position(budgetMs: number = this.timeoutMs): Promise<{ position: ReplicationPosition | null; error?: string }> {
    try {
      if (this.primary.server.dialect === 'postgres') {
        const [row] = await withTimeout(this.primary.query(currentLsnSql), budgetMs, 'primary', () => {});
        const lsn = parseLsn(row?.current_lsn as string | null);
        return { position: lsn === null ? null : { kind: 'lsn', lsn, text: formatLsn(lsn) } };
      }
      const [status] = await withTimeout(
        this.primary.query(binlogStatusSql(this.primary.server)),
        budgetMs,
        'primary',
        () => {},
      );
      if (!status?.File) return { position: null, error: 'the binary log is off' };
      const [id] = await withTimeout(this.primary.query('select @@server_id as id'), budgetMs, 'primary', () => {});
      return {
        position: { kind: 'binlog', file: String(status.File), pos: Number(status.Position), serverId: Number(id?.id) },
      };
    } catch (error) {
      return { position: null, error: (error as Error).message };
    }
  }

  /**
   * One reading of every replica, within about `budgetMs` (default 5 s) per server asked. Never throws: a
   * replica that cannot be read within it is `unreachable` or `unreadable`, and its connection is dropped.
   * With `required`, a replica that has not replayed that primary position yet is marked `pending`.
   */
  async read(budgetMs: number = this.timeoutMs, required?: ReplicationPosition): Promise<ReplicaStatus[]> {
    if (this.primary.server.dialect === 'postgres') return this.readPostgres(budgetMs, required);
    return Promise.all(
      this.urls.map((url) =>
        this.bounded(url, budgetMs, () => this.readMysqlReplica(url, budgetMs, required)).then(
          (status) => status,
          (error: unknown) => unreachable(maskUrl(url), error),
        ),
      ),
    );
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

  private async readMysqlReplica(
    url: string,
    budgetMs: number,
    required: ReplicationPosition | undefined,
  ): Promise<ReplicaStatus> {
    const target = maskUrl(url);
    let connection: ReplicaConnection;
    try {
      connection = await this.connection(url, budgetMs);
    } catch (error) {
      return unreachable(target, error);
    }
    if (connection.server.dialect !== 'mysql') return wrongDialect(target, connection, 'MySQL/MariaDB');
    try {
      const rows = await connection.query(replicaStatusSql(connection.server), budgetMs);
      return { target, ...mysqlReplicaStatus(rows, required) };
    } catch (error) {
      return unreadable(target, error, 'SHOW REPLICA STATUS needs REPLICATION CLIENT (MariaDB: REPLICA MONITOR)');
    }
  }

  /** A standby's own view, or why it could not be had. */
  private async readStandby(
    url: string,
    budgetMs: number,
  ): Promise<{ self: StandbySelf } | { status: Omit<ReplicaStatus, 'target'> }> {
    const target = maskUrl(url);
    let connection: ReplicaConnection;
    try {
      connection = await this.connection(url, budgetMs);
    } catch (error) {
      return { status: unreachable(target, error) };
    }
    if (connection.server.dialect !== 'postgres') return { status: wrongDialect(target, connection, 'PostgreSQL') };
    try {
      const [row] = await connection.query(standbySql, budgetMs);
      return { self: standbySelfOf(row ?? {}) };
    } catch (error) {
      return { status: unreadable(target, error, 'needs CONNECT on the standby') };
    }
  }

  private async readPostgres(budgetMs: number, required: ReplicationPosition | undefined): Promise<ReplicaStatus[]> {
    // the primary's position first: a standby read afterwards that has replayed up to it is caught up
    let primaryLsn: bigint | null = null;
    let senders: WalSender[] = [];
    let primaryError: string | null = null;
    try {
      const [lsn] = await withTimeout(this.primary.query(currentLsnSql), budgetMs, 'primary', () => {});
      primaryLsn = parseLsn(lsn?.current_lsn as string | null);
      const rows = await withTimeout(this.primary.query(primarySql), budgetMs, 'primary', () => {});
      senders = rows.map(walSenderOf);
    } catch (error) {
      primaryError = (error as Error).message;
    }
    const views = await Promise.all(
      this.urls.map((url) =>
        this.bounded(url, budgetMs, () => this.readStandby(url, budgetMs)).catch((error: unknown) => ({
          status: unreachable(maskUrl(url), error),
        })),
      ),
    );
    const now = Date.now();
    const statuses: ReplicaStatus[] = [];
    const claimed = new Set<WalSender>();
    // a standby's WAL sender is found by the application name it streams under (kept while it cannot be read)
    const claim = (name: string | undefined) => {
      const matches = senders.filter((s) => s.applicationName === name);
      if (matches.length !== 1) return undefined;
      claimed.add(matches[0]!);
      return matches[0];
    };
    for (const [i, url] of this.urls.entries()) {
      const target = maskUrl(url);
      const view = views[i]!;
      if ('status' in view) {
        claim(this.streamsAs.get(url));
        statuses.push({ ...view.status, target });
        continue;
      }
      this.streamsAs.set(url, view.self.applicationName);
      const sender = claim(view.self.applicationName);
      statuses.push(
        withPending(
          this.standbyStatus(target, view.self, sender, primaryLsn, primaryError, now),
          view.self.replayLsn,
          required,
        ),
      );
    }
    const unclaimed = senders.filter((s) => !claimed.has(s));
    const names = new Map<WalSender, string>();
    for (const sender of unclaimed) {
      const shared = unclaimed.filter((s) => senderName(s, false) === senderName(sender, false)).length > 1;
      names.set(sender, senderName(sender, shared));
    }
    const present = new Set<string>();
    for (const sender of unclaimed) {
      const target = names.get(sender)!;
      present.add(target);
      this.seen.add(target);
      statuses.push(withPending(this.senderStatus(target, sender, primaryLsn, now), sender.replayLsn, required));
    }
    for (const target of this.seen) {
      if (present.has(target)) continue;
      statuses.push({
        target,
        lagMs: null,
        state: 'disconnected',
        running: false,
        reason: primaryError
          ? `the primary could not be asked (${primaryError})`
          : 'no longer in pg_stat_replication: disconnected from the primary',
      });
    }
    return statuses;
  }

  /** A standby given by URL: its own view (recovery, replay paused, WAL receiver) and its lag behind the primary. */
  private standbyStatus(
    target: string,
    self: StandbySelf,
    sender: WalSender | undefined,
    primaryLsn: bigint | null,
    primaryError: string | null,
    now: number,
  ): ReplicaStatus {
    const lagMs = this.lag(target, self.replayLsn, primaryLsn, sender?.replayLagMs ?? null, now);
    if (!self.inRecovery) {
      return { target, lagMs: null, state: 'not_a_replica', running: false, reason: 'not a standby: not in recovery' };
    }
    if (self.paused) {
      return {
        target,
        lagMs,
        state: 'paused',
        running: false,
        reason: 'WAL replay paused (pg_is_wal_replay_paused())',
      };
    }
    if (self.receiverStatus !== 'streaming') {
      return {
        target,
        lagMs,
        state: 'disconnected',
        running: false,
        reason: `WAL receiver ${self.receiverStatus ?? 'not running'}: not streaming from a primary`,
      };
    }
    if (primaryError) {
      return {
        target,
        lagMs: null,
        state: 'streaming',
        running: true,
        reason: `the primary could not be asked (${primaryError})`,
      };
    }
    return {
      target,
      lagMs,
      state: 'streaming',
      running: true,
      reason: lagMs === null ? 'replaying; lag not yet measured' : null,
    };
  }

  /** A standby known only from the primary's `pg_stat_replication`. */
  private senderStatus(target: string, sender: WalSender, primaryLsn: bigint | null, now: number): ReplicaStatus {
    if (!sender.state) {
      return {
        target,
        lagMs: null,
        state: 'unreadable',
        running: false,
        reason: 'WAL sender details not readable (grant pg_monitor or pg_read_all_stats)',
      };
    }
    const lagMs = this.lag(target, sender.replayLsn, primaryLsn, sender.replayLagMs, now);
    if (sender.state !== 'streaming' && sender.state !== 'catchup') {
      return { target, lagMs, state: sender.state, running: false, reason: `WAL sender ${sender.state}` };
    }
    return {
      target,
      lagMs,
      state: 'streaming',
      running: true,
      reason: lagMs === null ? 'replaying; lag not yet measured' : null,
    };
  }

  private lag(
    target: string,
    replayLsn: bigint | null,
    primaryLsn: bigint | null,
    replayLagMs: number | null,
    now: number,
  ): number | null {
    if (replayLsn === null || primaryLsn === null) return null;
    if (replayLsn >= primaryLsn) {
      this.still.delete(target);
      return 0;
    }
    const still = this.still.get(target);
    if (!still || still.lsn !== replayLsn) {
      this.still.set(target, { lsn: replayLsn, since: now });
      return replayLagMs;
    }
    return Math.max(replayLagMs ?? 0, now - still.since);
  }
}

/** A standby that has not replayed up to `required` yet is marked pending. */
function withPending(status: ReplicaStatus, replayLsn: bigint | null, required: ReplicationPosition | undefined) {
  if (required?.kind !== 'lsn' || replayLsn === null || replayLsn >= required.lsn) return status;
  return {
    ...status,
    pending: `replayed up to ${formatLsn(replayLsn)}, the previous step ended at ${required.text}`,
  };
}

function unreachable(target: string, error: unknown): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'unreachable',
    running: false,
    reason: `unreachable: ${(error as Error).message}`,
  };
}

function unreadable(target: string, error: unknown, hint: string): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'unreadable',
    running: false,
    reason: `replication state not readable: ${(error as Error).message} (${hint})`,
  };
}

function wrongDialect(target: string, connection: ReplicaConnection, want: string): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'not_a_replica',
    running: false,
    reason: `a ${connection.server.flavor} server, but the primary is ${want}`,
  };
}
