import type { Row, ServerInfo } from '../../connection/drivers.js';
import type { ReplicaStatus, ReplicationPosition } from '../../replicas/types.js';

/** The primary's binary log position now (`SHOW BINARY LOG STATUS` from MySQL 8.2, removed `SHOW MASTER STATUS` in 8.4). */
export function binlogStatusSql(server: ServerInfo): string {
  return server.flavor === 'mysql' && (server.major > 8 || (server.major === 8 && server.minor >= 2))
    ? 'SHOW BINARY LOG STATUS'
    : 'SHOW MASTER STATUS';
}

/** -1, 0, 1 comparing two binary log positions; null when the files are of different logs. */
export function compareBinlog(a: { file: string; pos: number }, b: { file: string; pos: number }): number | null {
  const split = (file: string) => {
    const dot = file.lastIndexOf('.');
    return { base: file.slice(0, dot), n: Number(file.slice(dot + 1)) };
  };
  const fa = split(a.file);
  const fb = split(b.file);
  if (fa.base !== fb.base || Number.isNaN(fa.n) || Number.isNaN(fb.n)) return null;
  if (fa.n !== fb.n) return fa.n < fb.n ? -1 : 1;
  return a.pos === b.pos ? 0 : a.pos < b.pos ? -1 : 1;
}

/**
 * Whether the channel replicating from the primary (matched by server id) has executed `required`; a
 * description of what is still to replay, or undefined when done or not comparable (another source).
 */
function pendingOf(rows: readonly Row[], required: ReplicationPosition | undefined): string | undefined {
  if (required?.kind !== 'binlog') return undefined;
  const row = rows.find((r) => Number(field(r, 'Source_Server_Id')) === required.serverId);
  if (!row) return undefined;
  const executed = { file: text(field(row, 'Relay_Source_Log_File')), pos: Number(field(row, 'Exec_Source_Log_Pos')) };
  const order = compareBinlog(executed, required);
  if (order === null || order >= 0) return undefined;
  return `executed up to ${executed.file}:${executed.pos} of the primary's binary log, the previous step ended at ${required.file}:${required.pos}`;
}

/** `SHOW REPLICA STATUS` from MariaDB 10.5.1 and MySQL 8.0.22; `SHOW SLAVE STATUS` before (removed in MySQL 8.4). */
export function replicaStatusSql(server: ServerInfo): string {
  const { flavor, major, minor, patch } = server;
  const at = (a: number, b: number, c: number) =>
    major > a || (major === a && (minor > b || (minor === b && patch >= c)));
  const replica = flavor === 'mariadb' ? at(10, 5, 1) : at(8, 0, 22);
  return replica ? 'SHOW REPLICA STATUS' : 'SHOW SLAVE STATUS';
}

/** A column under its MySQL 8.0.22+ name (`Replica_`, `Source_`) or its older / MariaDB name (`Slave_`, `Master_`). */
function field(row: Row, name: string): unknown {
  if (row[name] !== undefined) return row[name];
  const old = name.replace(/Replica/g, 'Slave').replace(/Source/g, 'Master');
  return row[old];
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** One replication channel (connection) of a MySQL/MariaDB replica, judged from its status row. */
function channelStatus(row: Row): Omit<ReplicaStatus, 'target'> {
  const io = text(field(row, 'Replica_IO_Running'));
  const sql = text(field(row, 'Replica_SQL_Running'));
  const behind = field(row, 'Seconds_Behind_Source');
  const lagMs = behind === null || behind === undefined || behind === '' ? null : Number(behind) * 1000;
  const sqlErrno = Number(row.Last_SQL_Errno ?? 0);
  const ioErrno = Number(row.Last_IO_Errno ?? 0);
  const channel = text(row.Channel_Name ?? row.Connection_name);
  const where = channel ? ` (channel ${channel})` : '';
  if (sql !== 'Yes') {
    if (sqlErrno !== 0) {
      return {
        lagMs,
        state: 'broken',
        running: false,
        reason: `SQL thread stopped on error ${sqlErrno}: ${text(row.Last_SQL_Error)}${where}`,
      };
    }
    return { lagMs, state: 'stopped', running: false, reason: `SQL thread not running (${sql || 'No'})${where}` };
  }
  if (io !== 'Yes') {
    const error = ioErrno !== 0 ? `: error ${ioErrno}: ${text(row.Last_IO_Error)}` : '';
    if (io === 'Connecting') {
      return {
        lagMs,
        state: 'connecting',
        running: false,
        reason: `IO thread connecting to the primary${error}${where}`,
      };
    }
    return {
      lagMs,
      state: ioErrno !== 0 ? 'broken' : 'stopped',
      running: false,
      reason: `IO thread not running (${io || 'No'})${error}${where}`,
    };
  }
  if (lagMs === null)
    return { lagMs, state: 'running', running: true, reason: `Seconds_Behind_Master is NULL${where}` };
  return { lagMs, state: 'running', running: true, reason: null };
}

/**
 * Reads a MySQL/MariaDB replica's replication state from its status rows (one per channel / named
 * connection; the worst counts). No row: the server is not a replica, which is never within the bound.
 */
export function mysqlReplicaStatus(
  rows: readonly Row[],
  required?: ReplicationPosition,
): Omit<ReplicaStatus, 'target'> {
  if (rows.length === 0) {
    return {
      lagMs: null,
      state: 'not_a_replica',
      running: false,
      reason: 'not a replica: SHOW REPLICA STATUS returned no row',
    };
  }
  const channels = rows.map(channelStatus);
  const stopped = channels.find((c) => !c.running);
  if (stopped) return stopped;
  const unknown = channels.find((c) => c.lagMs === null);
  if (unknown) return unknown;
  const worst = channels.reduce((w, c) => ((c.lagMs ?? 0) > (w.lagMs ?? 0) ? c : w));
  const pending = pendingOf(rows, required);
  return pending ? { ...worst, pending } : worst;
}
