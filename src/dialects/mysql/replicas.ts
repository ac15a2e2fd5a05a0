import { drivers, type Row, toolConnectionName } from '../../connection/drivers.js';
import { maskUrl } from '../../connection/target.js';
import type { ReplicaConnection } from '../../replicas/connection.js';
import { withTimeout } from '../../replicas/timeout.js';
import type { ReplicaStatus, ReplicationPosition } from '../../replicas/types.js';
import type { RawReplicaConnection, ReplicaAccess, ReplicaDriver, ReplicaReader } from '../replica-types.js';
import { driverError } from '../shared/driver-error.js';
import { unreachable, unreadable, wrongDialect } from '../shared/replica-status.js';
import { binlogStatusSql, mysqlReplicaStatus, replicaStatusSql } from './replica-status.js';

/** Opens a mysql2 connection to a replica within `timeoutMs`, with the tool's connection defaults. */
async function connectMysql(settings: Record<string, unknown>, timeoutMs: number): Promise<RawReplicaConnection> {
  const mysql = (await import('mysql2')).default;
  const connection = mysql.createConnection({
    ...settings,
    ...drivers.mysql.connectionDefaults,
    ...drivers.mysql.identity(toolConnectionName),
    connectTimeout: Math.max(1, Math.round(timeoutMs)),
  } as Parameters<typeof mysql.createConnection>[0]);
  connection.on('error', () => {});
  const destroy = () => connection.destroy();
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve()))),
      timeoutMs,
      'connect',
      destroy,
    );
  } catch (error) {
    destroy();
    throw error;
  }
  return {
    run: (sql) =>
      new Promise<Row[]>((resolve, reject) =>
        connection.query(sql, (error, rows) =>
          error ? reject(error) : resolve(Array.isArray(rows) ? (rows as Row[]) : []),
        ),
      ),
    destroy,
  };
}

/** How mysql2 connects to a replica. */
export const mysqlReplicaDriver: ReplicaDriver = {
  connectTimeout: (ms) => ({ connectTimeout: ms }),
  open: connectMysql,
};

/**
 * MySQL/MariaDB's replicas: only those given by URL, each read with `SHOW REPLICA STATUS` (the primary
 * does not name its replicas); a replica that has not executed the primary's binary log position taken
 * when the wait began is pending.
 */
class MysqlReplicaReader implements ReplicaReader {
  readonly findsReplicasOnPrimary = false;

  constructor(private readonly access: ReplicaAccess) {}

  async position(budgetMs: number): Promise<{ position: ReplicationPosition | null; error?: string }> {
    const [status] = await this.access.queryPrimary(binlogStatusSql(this.access.primary.server), budgetMs);
    if (!status?.File) return { position: null, error: 'the binary log is off' };
    const [id] = await this.access.queryPrimary('select @@server_id as id', budgetMs);
    return {
      position: { kind: 'binlog', file: String(status.File), pos: Number(status.Position), serverId: Number(id?.id) },
    };
  }

  read(urls: readonly string[], budgetMs: number, required?: ReplicationPosition): Promise<ReplicaStatus[]> {
    return Promise.all(
      urls.map((url) =>
        this.access
          .bounded(url, budgetMs, () => this.readReplica(url, budgetMs, required))
          .then(
            (status) => status,
            (error: unknown) => unreachable(maskUrl(url), error),
          ),
      ),
    );
  }

  private async readReplica(
    url: string,
    budgetMs: number,
    required: ReplicationPosition | undefined,
  ): Promise<ReplicaStatus> {
    const target = maskUrl(url);
    let connection: ReplicaConnection;
    try {
      connection = await this.access.connection(url, budgetMs);
    } catch (error) {
      return unreachable(target, error);
    }
    if (connection.server.dialect !== 'mysql') return wrongDialect(target, connection, 'MySQL/MariaDB');
    try {
      const rows = await connection.query(replicaStatusSql(connection.server), budgetMs);
      return { target, ...mysqlReplicaStatus(rows, required) };
    } catch (error) {
      return unreadable(
        target,
        error,
        'SHOW REPLICA STATUS needs REPLICATION CLIENT (MariaDB: REPLICA MONITOR or SLAVE MONITOR)',
        privilegeRefused(error),
      );
    }
  }
}

/** ER_SPECIFIC_ACCESS_DENIED_ERROR: `Access denied; you need (at least one of) the ... privilege(s)` (MySQL and MariaDB). */
const specificAccessDenied = 1227;

/** Whether the server refused the statement for lack of a privilege (the driver's error is the cause). */
function privilegeRefused(error: unknown): boolean {
  return driverError((error as Error).cause ?? error).errno === specificAccessDenied;
}

/** MySQL/MariaDB's replica reader for one monitor. */
export function createMysqlReplicaReader(access: ReplicaAccess): ReplicaReader {
  return new MysqlReplicaReader(access);
}
