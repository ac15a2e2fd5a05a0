import { drivers, type Row, type ServerInfo } from '../connection/drivers.js';
import { redact, type Target, targetFromUrl } from '../connection/target.js';
import { replicaDriverOf } from '../dialects/index.js';
import type { RawReplicaConnection } from '../dialects/replica-types.js';
import { driverError } from '../dialects/shared/driver-error.js';
import { ConnectionError } from '../errors.js';
import { withTimeout } from './timeout.js';

/**
 * One connection to a replica, opened with the driver directly (not a knex pool) so that every wait on it
 * is bounded: a connect or a query that does not answer within the timeout destroys the socket, and the
 * next reading opens a new one. A replica that hangs (a frozen host, a black-holed port) therefore never
 * holds up the apply or keeps the process alive.
 */
export interface ReplicaConnection {
  /** The URL without password. */
  readonly display: string;
  readonly server: ServerInfo;
  /** Runs one statement; rejects after `timeoutMs` (and destroys the connection). */
  query<T extends Row = Row>(sql: string, timeoutMs: number): Promise<T[]>;
  /** Whether the connection was destroyed (after a timeout or an error) and must be reopened. */
  readonly dead: boolean;
  close(): void;
}

/** How long connecting to a replica through a knex pool may take (usage readings). */
export const replicaConnectTimeoutMs = 5_000;

/**
 * The target with connect timeouts on the driver (pg has none by default, mysql2 10 s) and the pool, so
 * that a replica that does not answer fails fast instead of holding up the command or the process.
 */
export function withConnectTimeout(target: Target, ms: number): Target {
  const connection = target.knexConfig.connection;
  if (!connection || typeof connection !== 'object') return target;
  const timeout = replicaDriverOf(target.dialect).connectTimeout(ms);
  return {
    ...target,
    knexConfig: {
      ...target.knexConfig,
      acquireConnectionTimeout: ms,
      connection: { ...timeout, ...(connection as Record<string, unknown>) },
    },
  };
}

/** Opens a connection to a replica URL within `timeoutMs`; errors never carry the password. */
export async function openReplicaConnection(url: string, timeoutMs: number): Promise<ReplicaConnection> {
  const target = targetFromUrl(url);
  const settings = { ...(target.knexConfig.connection as Record<string, unknown>) };
  let raw: RawReplicaConnection;
  try {
    raw = await replicaDriverOf(target.dialect).open(settings, timeoutMs);
  } catch (error) {
    throw new ConnectionError(redact((error as Error).message, target.secrets));
  }
  let dead = false;
  const kill = () => {
    dead = true;
    raw.destroy();
  };
  const query = async <T extends Row = Row>(sql: string, ms: number): Promise<T[]> => {
    if (dead) throw new ConnectionError('connection closed');
    try {
      return (await withTimeout(raw.run(sql), ms, 'query', kill)) as T[];
    } catch (error) {
      // a query error that is not the server's answer (socket gone) leaves the connection unusable
      const { fromServer, fatal } = driverError(error);
      if (!fromServer || fatal) kill();
      // the driver's error stays as the cause, so a reader can tell a refused privilege from a lost connection
      throw new ConnectionError(redact((error as Error).message, target.secrets), error);
    }
  };
  let server: ServerInfo;
  try {
    server = await drivers[target.dialect].detectServer((sql) => query(sql, timeoutMs));
  } catch (error) {
    kill();
    throw error;
  }
  return {
    display: target.display,
    server,
    query,
    get dead() {
      return dead;
    },
    close: () => {
      if (!dead) kill();
    },
  };
}
