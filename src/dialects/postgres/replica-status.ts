import type { Row } from '../../connection/drivers.js';
import type { ReplicaStatus } from '../../replicas/types.js';

/** A PostgreSQL LSN (`16/B374D848`) as a number of bytes. */
export function parseLsn(lsn: string | null | undefined): bigint | null {
  if (!lsn) return null;
  const match = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn.trim());
  if (!match) return null;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** An LSN as PostgreSQL prints it. */
export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}

/**
 * The primary's WAL position and its physical WAL senders (standbys; logical walsenders have a database
 * and are left out). `replay_lag` is the server's own measure of how long recent WAL took to be replayed.
 */
export const primarySql = `select s.pid, s.application_name, host(s.client_addr) as client_addr, s.client_port, s.state,
    s.replay_lsn::text as replay_lsn, (extract(epoch from s.replay_lag) * 1000)::float8 as replay_lag_ms,
    case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as current_lsn
  from pg_stat_replication s join pg_stat_activity a on a.pid = s.pid
  where a.datname is null`;

/**
 * The primary's WAL position alone (when it has no WAL sender, `primarySql` returns no row), and the login
 * reading it, as an identifier (for the GRANT a login without pg_monitor needs).
 */
export const currentLsnSql = `select case when pg_is_in_recovery() then null else pg_current_wal_lsn()::text end as current_lsn,
    quote_ident(current_user) as login`;

/**
 * Why a login sees `what` as NULLs: `pg_stat_replication` and `pg_stat_wal_receiver` show their details
 * only to superusers and members of `pg_read_all_stats` (which `pg_monitor` includes); others get the pid alone.
 */
export function monitorGrantMissing(what: string, login: string | null): string {
  const who = login ?? '<the login>';
  return `${what} not readable: login ${who} is not a member of pg_monitor (or pg_read_all_stats), so the server shows them as NULL; run GRANT pg_monitor TO ${who}`;
}

/** The status of a standby whose state this login cannot read: only `GRANT pg_monitor` changes it, waiting does not. */
export function needsMonitorGrant(target: string, what: string, login: string | null): ReplicaStatus {
  return {
    target,
    lagMs: null,
    state: 'unreadable',
    running: false,
    reason: monitorGrantMissing(what, login),
    needsGrant: true,
  };
}

/** What a standby says of itself: in recovery, replay paused, positions, its WAL receiver, the name it streams under. */
export const standbySql = `select pg_is_in_recovery() as in_recovery,
    case when pg_is_in_recovery() then pg_is_wal_replay_paused() end as paused,
    pg_last_wal_receive_lsn()::text as receive_lsn, pg_last_wal_replay_lsn()::text as replay_lsn,
    (select pid from pg_stat_wal_receiver limit 1) as receiver_pid,
    (select status from pg_stat_wal_receiver limit 1) as receiver_status,
    (select conninfo from pg_stat_wal_receiver limit 1) as receiver_conninfo,
    current_setting('cluster_name') as cluster_name, quote_ident(current_user) as login`;

/** A WAL sender on the primary, as read. */
export interface WalSender {
  applicationName: string;
  clientAddr: string | null;
  clientPort: number | null;
  state: string;
  replayLsn: bigint | null;
  replayLagMs: number | null;
}

export function walSenderOf(row: Row): WalSender {
  return {
    applicationName: String(row.application_name ?? ''),
    clientAddr: row.client_addr === null || row.client_addr === undefined ? null : String(row.client_addr),
    clientPort: row.client_port === null || row.client_port === undefined ? null : Number(row.client_port),
    state: String(row.state ?? ''),
    replayLsn: parseLsn(row.replay_lsn as string | null),
    replayLagMs: row.replay_lag_ms === null || row.replay_lag_ms === undefined ? null : Number(row.replay_lag_ms),
  };
}

/**
 * How a discovered standby is named: `<application_name>@<client address>` (the port too when two share
 * that); `local` for a Unix-socket connection. A sender whose details the login cannot read (no state, no
 * address: see `monitorGrantMissing`) is named without an address rather than as a local one.
 */
export function senderName(sender: WalSender, withPort: boolean): string {
  if (!sender.state) return `${sender.applicationName || 'walreceiver'} (address not readable)`;
  const host = sender.clientAddr ?? 'local';
  return `${sender.applicationName || 'walreceiver'}@${host}${withPort && sender.clientPort !== null ? `:${sender.clientPort}` : ''}`;
}

/** A standby's own view, as read. */
export interface StandbySelf {
  inRecovery: boolean;
  paused: boolean;
  receiveLsn: bigint | null;
  replayLsn: bigint | null;
  receiverStatus: string | null;
  /** False when a WAL receiver runs but its details (status, conninfo) are NULL to this login (no pg_monitor). */
  receiverReadable: boolean;
  /** The login that read it, as an identifier. */
  login: string | null;
  /** The application name its WAL receiver uses on the primary (conninfo, else cluster_name, else walreceiver). */
  applicationName: string;
}

export function standbySelfOf(row: Row): StandbySelf {
  const conninfo = String(row.receiver_conninfo ?? '');
  const fromConninfo = /(?:^|\s)application_name=('(?:[^'\\]|\\.)*'|\S+)/.exec(conninfo)?.[1]?.replace(/^'|'$/g, '');
  const cluster = String(row.cluster_name ?? '');
  return {
    inRecovery: row.in_recovery === true,
    paused: row.paused === true,
    receiveLsn: parseLsn(row.receive_lsn as string | null),
    replayLsn: parseLsn(row.replay_lsn as string | null),
    receiverStatus:
      row.receiver_status === null || row.receiver_status === undefined ? null : String(row.receiver_status),
    receiverReadable: row.receiver_pid === null || row.receiver_pid === undefined || row.receiver_status != null,
    login: row.login === null || row.login === undefined ? null : String(row.login),
    applicationName: fromConninfo || cluster || 'walreceiver',
  };
}
