import { drivers, type Row, type ServerInfo, toolConnectionName } from '../connection/drivers.js';
import { redact, type Target, targetFromUrl } from '../connection/target.js';
import { ConnectionError } from '../errors.js';

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
  const timeout = target.dialect === 'postgres' ? { connectionTimeoutMillis: ms } : { connectTimeout: ms };
  return {
    ...target,
    knexConfig: {
      ...target.knexConfig,
      acquireConnectionTimeout: ms,
      connection: { ...timeout, ...(connection as Record<string, unknown>) },
    },
  };
}

/** A raw driver connection, whichever the dialect. */
interface RawConnection {
  run(sql: string): Promise<Row[]>;
  destroy(): void;
}

/** Rejects when `promise` has not settled within `ms`, calling `onTimeout` first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => {
        onTimeout();
        reject(new ConnectionError(`${what}: no answer within ${Math.round(ms)}ms`));
      },
      Math.max(1, ms),
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function connectPostgres(settings: Record<string, unknown>, timeoutMs: number): Promise<RawConnection> {
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

async function connectMysql(settings: Record<string, unknown>, timeoutMs: number): Promise<RawConnection> {
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

/** Opens a connection to a replica URL within `timeoutMs`; errors never carry the password. */
export async function openReplicaConnection(url: string, timeoutMs: number): Promise<ReplicaConnection> {
  const target = targetFromUrl(url);
  const settings = { ...(target.knexConfig.connection as Record<string, unknown>) };
  let raw: RawConnection;
  try {
    raw =
      target.dialect === 'postgres'
        ? await connectPostgres(settings, timeoutMs)
        : await connectMysql(settings, timeoutMs);
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
      const e = error as { sqlState?: string; fatal?: boolean; severity?: string };
      const serverAnswered = (e.sqlState !== undefined && !e.fatal) || e.severity !== undefined;
      if (!serverAnswered) kill();
      throw new ConnectionError(redact((error as Error).message, target.secrets));
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
