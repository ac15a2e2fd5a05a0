/** What one replica's replication looked like at one reading. */
export interface ReplicaStatus {
  /** The replica as it may be printed: its URL without password, or for a standby found on the primary `<application_name>@<client address>`. */
  target: string;
  /** How far behind the primary it is, in milliseconds; null when it cannot be known now. */
  lagMs: number | null;
  /**
   * One word for the replication state: `running` (MySQL/MariaDB threads running), `streaming` (PostgreSQL),
   * or what is wrong: `paused`, `stopped`, `broken`, `connecting`, `disconnected`, `not_a_replica`,
   * `unreachable`, `unreadable`, or a PostgreSQL WAL sender state (`startup`, `backup`, `stopping`).
   */
  state: string;
  /** Whether replication runs: threads running / streaming and replay not paused. */
  running: boolean;
  /** Why the replica is not within the bound when it is not running or its lag is unknown; null otherwise. */
  reason: string | null;
  /**
   * Set while the replica has not yet replayed the primary's position taken when the wait began (the end
   * of the previous step): what it has replayed, against what it must. A MySQL/MariaDB replica replays an
   * index build serially after the primary finished it, and its `Seconds_Behind_Master` stays near 0 until
   * that replay is well under way, so the lag alone would let the next build start at once.
   */
  pending?: string;
  /**
   * Set by the reader when the replica's state cannot be read for lack of a privilege (PostgreSQL: not in
   * `pg_monitor`; MySQL/MariaDB: `SHOW REPLICA STATUS` refused). Waiting cannot change that, only a grant
   * can, so the gate fails at once instead of waiting `--replica-wait` (`reason` names the grant).
   */
  needsGrant?: true;
}

/** Within the bound only when replication runs and its lag is known and at most `maxLagMs` (SPEC). */
export function withinBound(status: ReplicaStatus, maxLagMs: number): boolean {
  return status.running && status.lagMs !== null && status.lagMs <= maxLagMs && status.pending === undefined;
}

/** Why a replica is outside the bound, in words (for progress lines and the error of a gate that gave up). */
export function outsideReason(status: ReplicaStatus, maxLagMs: number): string {
  if (!status.running) return status.reason ?? `replication ${status.state}`;
  if (status.lagMs === null) return status.reason ?? 'lag unknown';
  if (status.lagMs > maxLagMs) return `lag ${formatLag(status.lagMs)} > max_replica_lag ${formatLag(maxLagMs)}`;
  return `lag ${formatLag(status.lagMs)}, still replaying the previous step: ${status.pending}`;
}

/** A position in the primary's change stream: a MySQL/MariaDB binary log file and offset, or a PostgreSQL LSN. */
export type ReplicationPosition =
  | { kind: 'binlog'; file: string; pos: number; serverId: number }
  | { kind: 'lsn'; lsn: bigint; text: string };

/** `850ms`, `12.3s`, `4m05s`. */
export function formatLag(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return ms % 1000 === 0 ? `${ms / 1000}s` : `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
