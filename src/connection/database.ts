import type { Knex } from 'knex';
import { ConnectionError } from '../errors.js';
import { type Driver, drivers, type Row, type ServerInfo, toolConnectionName } from './drivers.js';
import { redact, type Target } from './target.js';

export type { Flavor, Row, ServerInfo } from './drivers.js';

/** One dedicated connection, outside any transaction unless the caller starts one. */
export interface Session {
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** The server's id of this connection (pg_backend_pid / CONNECTION_ID). */
  readonly id: number;
  /** Names the connection `safe-index <label>` where the server lets a connection be renamed (PostgreSQL). */
  identify(label: string): Promise<void>;
  release(): Promise<void>;
}

/** An open connection pool to the target with the server identified. */
export interface Database {
  /**
   * knex on the same pool, for the state tables' migrations only (their rows are read and written with
   * plain statements); loaded on first use, so a command whose state tables are up to date never loads it.
   */
  knex(): Promise<Knex>;
  readonly target: Target;
  readonly server: ServerInfo;
  /** Runs one statement on any pooled connection. */
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** Runs one `INSERT` (with `?` placeholders) into a table with a generated `id` on any pooled connection; returns that id (of the first row). */
  insert(sql: string, bindings: readonly unknown[]): Promise<number>;
  /**
   * Opens a dedicated connection outside the pool (for session settings, advisory locks, online DDL),
   * named `safe-index <label>` where the server allows. `catalogReads`: the session runs only the tool's
   * own catalog and state statements, and takes the pool's settings for them (`Driver.forCatalogReads`);
   * otherwise the server's own (the DDL, the user's statements).
   */
  session(label?: string, options?: { catalogReads?: boolean }): Promise<Session>;
  /**
   * Runs `work` on one pooled connection held for it alone, for statements that leave nothing behind
   * on the connection (one transaction that `work` ends itself); a connection whose `work` threw is
   * closed instead of given back. Cheaper than `session`: no new connection, no set-up statements.
   */
  borrow<T>(work: (query: Session['query']) => Promise<T>): Promise<T>;
  /** Number of statements sent so far through this object (for the no-N+1 checks). */
  readonly queryCount: number;
  close(): Promise<void>;
}

/**
 * The connection settings of the target with the driver's defaults forced on top (a knexfile cannot
 * turn MySQL `multipleStatements` back on); a knexfile's settings function is called once.
 */
async function connectionSettings(target: Target, driver: Driver): Promise<Record<string, unknown>> {
  const connection = target.knexConfig.connection;
  const given = typeof connection === 'function' ? await (connection as () => unknown)() : connection;
  // every connection identifies itself, so a DBA can tell the tool's sessions apart
  const defaults = { ...driver.connectionDefaults, ...driver.identity(toolConnectionName) };
  return { ...(given && typeof given === 'object' ? (given as Record<string, unknown>) : {}), ...defaults };
}

/** How every connection of a `Database` is set up. */
export interface DatabaseOptions {
  /** Longest wait for a lock of any statement (the DDL session sets its own); unbounded when absent. */
  lockTimeoutMs?: number;
  /**
   * Sessions the caller will ask for first (by the same label and options), opened while the pool
   * connects and the server is identified instead of after: a new connection is a round trip, a backend
   * started and authenticated (~15 ms on PostgreSQL), so the run lock's session need not wait for it.
   */
  early?: readonly EarlySession[];
}

/** A session `openDatabase` opens beside its first pooled connection. */
export interface EarlySession {
  label: string;
  catalogReads?: boolean;
}

/**
 * Statements every new connection runs first: a knexfile's PostgreSQL `searchPath` (as knex would set
 * it), and the lock timeout where the connection's start-up cannot carry it (`settings` already do on
 * PostgreSQL: see `withLockTimeout`).
 */
function setupStatements(target: Target, driver: Driver, options: DatabaseOptions, settingsBound: boolean): string[] {
  const statements: string[] = [];
  const searchPath = target.knexConfig.searchPath;
  if (target.dialect === 'postgres' && searchPath) {
    const schemas = typeof searchPath === 'string' ? [searchPath] : [...searchPath];
    statements.push(`set search_path to ${schemas.map((name) => `"${name.replaceAll('"', '""')}"`).join(',')}`);
  }
  if (options.lockTimeoutMs !== undefined && !settingsBound)
    statements.push(driver.lockTimeoutSql(options.lockTimeoutMs));
  return statements;
}

/** The settings with the lock timeout in the connection's start-up, and whether the driver could put it there. */
function withLockTimeout(
  driver: Driver,
  settings: Record<string, unknown>,
  options: DatabaseOptions,
): { settings: Record<string, unknown>; bound: boolean } {
  const bound =
    options.lockTimeoutMs === undefined ? null : driver.lockTimeoutAtConnect(settings, options.lockTimeoutMs);
  return bound ? { settings: bound, bound: true } : { settings, bound: false };
}

const earlyKey = (label: string, catalogReads?: boolean) => `${catalogReads ? 'catalog' : 'server'}:${label}`;

/** How a dedicated session shows itself (`safe-index run 7 ddl`), within PostgreSQL's 63 bytes of a name. */
const sessionName = (label: string) => `${toolConnectionName} ${label}`.slice(0, 63);

/** Opens a pool to the target and identifies the server. Errors never carry the password. */
export async function openDatabase(target: Target, options: DatabaseOptions = {}): Promise<Database> {
  const driver = drivers[target.dialect];
  const quiet = () => {};
  const cannotConnect = (error: unknown) => {
    const message = redact((error as Error).message, target.secrets);
    return new ConnectionError(`cannot connect to ${target.display}: ${message}`, error);
  };
  const given = await connectionSettings(target, driver).catch((error) => {
    throw cannotConnect(error);
  });
  driver.assertOneStatementPerQuery({ config: given });
  const { settings, bound } = withLockTimeout(driver, given, options);
  const setup = setupStatements(target, driver, options, bound);
  // the driver's own pool, shared with knex (when loaded) through its public `connectionPool` option
  const catalogSettings = driver.forCatalogReads(settings);
  const pool = await driver.openPool(catalogSettings, 8, setup);
  let count = 0;
  let knexLoading: Promise<Knex> | undefined;
  const knex = () => {
    knexLoading ??= import('knex').then(({ default: knexFactory }) => {
      const { connection: _connection, pool: _pool, ...knexOptions } = target.knexConfig;
      const instance = knexFactory({
        ...knexOptions,
        connectionPool: pool.native as Knex.ConnectionPool,
        log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
      });
      instance.on('query', () => {
        count += 1;
      });
      return instance;
    });
    return knexLoading;
  };
  // statements sent and not answered yet, per connection: a connection with none is closed without
  // waiting for the server to end its session (see CloseOptions)
  const pending = new Map<unknown, number>();
  const track = async <T>(connection: unknown, work: () => Promise<T>): Promise<T> => {
    pending.set(connection, (pending.get(connection) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (pending.get(connection) ?? 1) - 1;
      if (left > 0) pending.set(connection, left);
      else pending.delete(connection);
    }
  };
  /**
   * Statements go to the driver: without bindings exactly as written (no `?` is rewritten, even inside
   * a string literal such as `WHERE note = 'why?'`), with bindings through the driver's placeholders.
   */
  const send = async (connection: unknown, sql: string, bindings?: readonly unknown[]): Promise<Row[]> => {
    count += 1;
    return track(connection, () =>
      !bindings || bindings.length === 0
        ? driver.queryDirect(connection, sql)
        : driver.queryBound(connection, sql, bindings),
    );
  };
  const run = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> => {
    const { connection, release } = await pool.acquire();
    try {
      return (await send(connection, sql, bindings)) as T[];
    } finally {
      release();
    }
  };
  const insert = async (sql: string, bindings: readonly unknown[]): Promise<number> => {
    const { connection, release } = await pool.acquire();
    try {
      count += 1;
      return await track(connection, () => driver.insertReturningId(connection, sql, bindings));
    } finally {
      release();
    }
  };
  const borrow = async <T>(work: (query: Session['query']) => Promise<T>): Promise<T> => {
    const { connection, release } = await pool.acquire();
    let failed = true;
    try {
      const query = <R extends Row = Row>(sql: string, bindings?: readonly unknown[]) =>
        send(connection, sql, bindings) as Promise<R[]>;
      const result = await work(query);
      failed = false;
      return result;
    } finally {
      release(failed);
    }
  };
  const close = async () => {
    if (knexLoading) await (await knexLoading).destroy();
    // every pooled statement of the tool is awaited before it closes the database: settled unless one
    // is still out (a caller that gave up on it)
    await pool.end({ settled: pending.size === 0 });
  };
  const openSession = async (label?: string, options: { catalogReads?: boolean } = {}): Promise<Session> => {
    // a connection of its own, outside the pool: its session settings and locks never leak to other work;
    // where the driver can rename a connection (PostgreSQL application_name), the label goes into its
    // start-up instead of a statement after connect
    const base = options.catalogReads ? catalogSettings : settings;
    const labelled = label && driver.renameSql ? { ...base, ...driver.identity(sessionName(label)) } : base;
    const { connection, close: closeConnection } = await driver.connect(labelled, setup);
    try {
      driver.assertOneStatementPerQuery(connection);
    } catch (error) {
      await closeConnection().catch(() => {});
      throw error;
    }
    const exec = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> =>
      (await send(connection, sql, bindings)) as T[];
    const identify = async (name: string) => {
      if (driver.renameSql) await exec(driver.renameSql, [sessionName(name)]);
    };
    const [idRow] = await exec<{ id: number | string }>(driver.connectionIdSql);
    return {
      query: exec,
      identify,
      id: Number(idRow?.id),
      release: async () => {
        await closeConnection({ settled: !pending.has(connection) }).catch(() => {});
      },
    };
  };
  // sessions asked for up front open beside the first pooled connection; `session` hands each out once
  const early = new Map<string, Promise<Session>>();
  for (const wanted of options.early ?? []) {
    const opening = openSession(wanted.label, { catalogReads: wanted.catalogReads });
    opening.catch(() => {}); // a failure is met again (or the session opened anew) when it is asked for
    early.set(earlyKey(wanted.label, wanted.catalogReads), opening);
  }
  // an unused early session is released when it has opened, without holding up the close: a connect
  // that never finishes must not make closing the database wait with it
  const closeEarly = () => {
    const left = [...early.values()];
    early.clear();
    for (const opening of left) opening.then((unused) => unused.release()).catch(() => {});
  };
  const session = async (label?: string, sessionOptions: { catalogReads?: boolean } = {}): Promise<Session> => {
    const key = label === undefined ? undefined : earlyKey(label, sessionOptions.catalogReads);
    const opened = key === undefined ? undefined : early.get(key);
    if (key !== undefined && opened) {
      early.delete(key);
      try {
        return await opened;
      } catch {
        // opened again below: the error, if it lasts, is the one a session opened now meets
      }
    }
    return openSession(label, sessionOptions);
  };
  let server: ServerInfo;
  try {
    server = await driver.detectServer(run);
  } catch (error) {
    closeEarly();
    await close().catch(() => {});
    throw cannotConnect(error);
  }
  return {
    knex,
    target,
    server,
    query: run,
    insert,
    session,
    borrow,
    get queryCount() {
      return count;
    },
    close: async () => {
      closeEarly();
      await close();
    },
  };
}
