import { drivers, type Row, toolConnectionName } from '../../connection/drivers.js';
import { maskUrl } from '../../connection/target.js';
import type { ReplicaConnection } from '../../replicas/connection.js';
import { withTimeout } from '../../replicas/timeout.js';
import type { ReplicaStatus, ReplicationPosition } from '../../replicas/types.js';
import type { RawReplicaConnection, ReplicaAccess, ReplicaDriver, ReplicaReader } from '../replica-types.js';
import { driverError } from '../shared/driver-error.js';
import { unreachable, unreadable, wrongDialect } from '../shared/replica-status.js';
import {
  currentLsnSql,
  formatLsn,
  needsMonitorGrant,
  parseLsn,
  primarySql,
  type StandbySelf,
  senderName,
  standbySelfOf,
  standbySql,
  type WalSender,
  walSenderOf,
} from './replica-status.js';

/** Opens a pg client to a replica within `timeoutMs`, named as the tool's replica reader. */
async function connectPostgres(settings: Record<string, unknown>, timeoutMs: number): Promise<RawReplicaConnection> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({
    ...settings,
    ...drivers.postgres.identity(`${toolConnectionName} replica`),
    connectionTimeoutMillis: Math.max(1, Math.round(timeoutMs)),
  } as ConstructorParameters<typeof pg.Client>[0]);
  client.on('error', () => {}); // a connection that dies between readings is noticed by the next query
  const destroy = () => {
    // biome-ignore lint/suspicious/noExplicitAny: pg keeps the socket on an untyped field
    (client as any).connection?.stream?.destroy?.();
    client.end().catch(() => {});
  };
  try {
    await withTimeout(client.connect(), timeoutMs, 'connect', destroy);
  } catch (error) {
    destroy();
    throw error;
  }
  return { run: async (sql) => (await client.query(sql)).rows as Row[], destroy };
}

/** How pg connects to a replica. */
export const postgresReplicaDriver: ReplicaDriver = {
  connectTimeout: (ms) => ({ connectionTimeoutMillis: ms }),
  open: connectPostgres,
};

/**
 * PostgreSQL's replicas: the standbys given by URL (each one's own view) and the standbys the primary
 * streams to (`pg_stat_replication`), which are found without a URL.
 *
 * Lag: 0 when the standby has replayed the primary's current WAL position; otherwise the larger of the
 * primary's `replay_lag` and how long the standby's replay position has stood still while WAL waited (a
 * paused or stuck standby's `replay_lag` stops growing, the standing still does not).
 */
class PostgresReplicaReader implements ReplicaReader {
  readonly findsReplicasOnPrimary = true;
  /** Replay position of each standby and since when it has not moved while behind. */
  private readonly still = new Map<string, { lsn: bigint; since: number }>();
  /** Standbys the primary streamed to at an earlier reading: one that disappears is disconnected, not gone. */
  private readonly seen = new Set<string>();
  /** The application name each standby given by URL streams under (kept while it cannot be read). */
  private readonly streamsAs = new Map<string, string>();
  /** The login the primary is read as (for the GRANT a login without pg_monitor needs). */
  private login: string | null = null;

  constructor(private readonly access: ReplicaAccess) {}

  async position(budgetMs: number): Promise<{ position: ReplicationPosition | null; error?: string }> {
    const [row] = await this.access.queryPrimary(currentLsnSql, budgetMs);
    const lsn = parseLsn(row?.current_lsn as string | null);
    return { position: lsn === null ? null : { kind: 'lsn', lsn, text: formatLsn(lsn) } };
  }

  async read(urls: readonly string[], budgetMs: number, required?: ReplicationPosition): Promise<ReplicaStatus[]> {
    // the primary's position first: a standby read afterwards that has replayed up to it is caught up
    let primaryLsn: bigint | null = null;
    let senders: WalSender[] = [];
    let primaryError: string | null = null;
    try {
      const [lsn] = await this.access.queryPrimary(currentLsnSql, budgetMs);
      primaryLsn = parseLsn(lsn?.current_lsn as string | null);
      if (typeof lsn?.login === 'string') this.login = lsn.login;
      const rows = await this.access.queryPrimary(primarySql, budgetMs);
      senders = rows.map(walSenderOf);
    } catch (error) {
      primaryError = (error as Error).message;
    }
    const views = await Promise.all(
      urls.map((url) =>
        this.access
          .bounded(url, budgetMs, () => this.readStandby(url, budgetMs))
          .catch((error: unknown) => ({
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
    for (const [i, url] of urls.entries()) {
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
      // an unreadable sender's name has no address: once readable (granted meanwhile) it is named anew,
      // and the old name must not linger as a disconnected standby
      if (sender.state) this.seen.add(target);
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

  /** A standby's own view, or why it could not be had. */
  private async readStandby(
    url: string,
    budgetMs: number,
  ): Promise<{ self: StandbySelf } | { status: Omit<ReplicaStatus, 'target'> }> {
    const target = maskUrl(url);
    let connection: ReplicaConnection;
    try {
      connection = await this.access.connection(url, budgetMs);
    } catch (error) {
      return { status: unreachable(target, error) };
    }
    if (connection.server.dialect !== 'postgres') return { status: wrongDialect(target, connection, 'PostgreSQL') };
    try {
      const [row] = await connection.query(standbySql, budgetMs);
      return { self: standbySelfOf(row ?? {}) };
    } catch (error) {
      return { status: unreadable(target, error, 'needs CONNECT on the standby', privilegeRefused(error)) };
    }
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
    if (!self.receiverReadable) {
      return needsMonitorGrant(
        target,
        "the standby's WAL receiver (status, conninfo of pg_stat_wal_receiver)",
        self.login,
      );
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
    return streaming(target, lagMs);
  }

  /** A standby known only from the primary's `pg_stat_replication`. */
  private senderStatus(target: string, sender: WalSender, primaryLsn: bigint | null, now: number): ReplicaStatus {
    if (!sender.state) {
      return needsMonitorGrant(
        target,
        "the primary's WAL sender for it (state, replay_lsn, replay_lag, client_addr of pg_stat_replication)",
        this.login,
      );
    }
    const lagMs = this.lag(target, sender.replayLsn, primaryLsn, sender.replayLagMs, now);
    if (sender.state !== 'streaming' && sender.state !== 'catchup') {
      return { target, lagMs, state: sender.state, running: false, reason: `WAL sender ${sender.state}` };
    }
    return streaming(target, lagMs);
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

/** A standby that streams and replays: within the bound once its lag is known. */
function streaming(target: string, lagMs: number | null): ReplicaStatus {
  return {
    target,
    lagMs,
    state: 'streaming',
    running: true,
    reason: lagMs === null ? 'replaying; lag not yet measured' : null,
  };
}

/** A standby that has not replayed up to `required` yet is marked pending. */
function withPending(status: ReplicaStatus, replayLsn: bigint | null, required: ReplicationPosition | undefined) {
  if (required?.kind !== 'lsn' || replayLsn === null || replayLsn >= required.lsn) return status;
  return {
    ...status,
    pending: `replayed up to ${formatLsn(replayLsn)}, the previous step ended at ${required.text}`,
  };
}

/** SQLSTATE 42501 insufficient_privilege (the driver's error is the cause). */
function privilegeRefused(error: unknown): boolean {
  return driverError((error as Error).cause ?? error).sqlState === '42501';
}

/** PostgreSQL's replica reader for one monitor. */
export function createPostgresReplicaReader(access: ReplicaAccess): ReplicaReader {
  return new PostgresReplicaReader(access);
}
