import { SafeIndexError } from '../errors.js';
import { checkBindings, numberedPlaceholders } from './placeholders.js';
import type { DialectName } from './target.js';

// each driver is imported when its dialect first connects: a command never loads the other one
let pgModule: Promise<typeof import('pg').default> | undefined;
let mysqlModule: Promise<typeof import('mysql2')> | undefined;
const loadPg = () => {
  pgModule ??= import('pg').then((module) => module.default);
  return pgModule;
};
const loadMysql = () => {
  // a CommonJS package: Node gives its exports as the default export
  mysqlModule ??= import('mysql2').then((module) => (module as unknown as { default: typeof module }).default);
  return mysqlModule;
};

/** A result row as the drivers return it. */
export type Row = Record<string, unknown>;

/** Server flavor: decides which online options are legal. */
export type Flavor = 'postgres' | 'mysql' | 'mariadb';

/** What the connected server is. */
export interface ServerInfo {
  dialect: DialectName;
  flavor: Flavor;
  /** Version as the server reports it, e.g. `15.20`, `8.0.36`, `10.11.19`. */
  version: string;
  major: number;
  minor: number;
  patch: number;
  /** Current database (PostgreSQL) or default schema/database (MySQL). */
  database: string;
  /** Default schema for unqualified tables: `public` (or search_path head) on PostgreSQL, the database on MySQL. */
  defaultSchema: string;
}

type RunQuery = <T extends Row = Row>(sql: string) => Promise<T[]>;

/**
 * How a connection or pool is closed: `settled` when nothing runs on it (every statement sent on it has
 * answered). A settled close says goodbye and returns without waiting for the server to end the
 * session (a PostgreSQL backend takes milliseconds to exit: statistics, shared memory); otherwise it
 * waits until the server has ended it, so a statement that may still run there has stopped.
 */
export interface CloseOptions {
  settled?: boolean;
}

/** A connection straight from the driver (outside any pool), and how to close it. */
export interface DriverConnection {
  connection: unknown;
  close(options?: CloseOptions): Promise<void>;
}

/** A pool of the driver's own (given to knex as its `connectionPool`, and used directly for unbound statements). */
export interface DriverPool {
  /** The driver's pool object, as knex's public `connectionPool` option takes it. */
  readonly native: unknown;
  /** Borrows one connection; `release` gives it back, or closes it when `discard` is true. */
  acquire(): Promise<{ connection: unknown; release(discard?: boolean): void }>;
  end(options?: CloseOptions): Promise<void>;
}

/** Everything the connection layer needs to know about a driver, one entry per dialect. */
export interface Driver {
  /** knex client name. */
  knexClient: 'pg' | 'mysql2';
  urlScheme: string;
  defaultPort: number;
  defaultUser: string;
  /** Connection settings the tool always sets. */
  connectionDefaults: Record<string, unknown>;
  /** Connection settings that make every connection show up as the tool's (PostgreSQL application_name, MySQL program_name). */
  identity(name: string): Record<string, unknown>;
  /** Renames an open connection as a DBA sees it (null where the name is fixed at connect time). */
  renameSql: string | null;
  /** Rows of a `knex.raw` result. */
  rowsOfRaw(result: unknown): Row[];
  /** Sends one statement to a raw driver connection exactly as written (no placeholder rewriting). */
  queryDirect(connection: unknown, sql: string): Promise<Row[]>;
  /** Sends one statement with `?` placeholders and their values (the driver binds or escapes them). */
  queryBound(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<Row[]>;
  /** Sends one `INSERT` with `?` placeholders into a table keyed by an `id` the server generates; returns the first row's id. */
  insertReturningId(connection: unknown, sql: string, bindings: readonly unknown[]): Promise<number>;
  /**
   * Throws when a raw driver connection could run several statements from one string (MySQL
   * `multipleStatements`); every connection the tool opens is checked before its first statement.
   */
  assertOneStatementPerQuery(connection: unknown): void;
  /** SQL that returns the server's id of the current connection as `id`. */
  connectionIdSql: string;
  /** The session setting that bounds every lock wait of a connection's statements (table and metadata locks). */
  lockTimeoutSql(lockTimeoutMs: number): string;
  /**
   * Connection settings that carry that lock timeout in the connection's start-up (no statement after
   * connect), or null where the protocol has no such parameter and `lockTimeoutSql` runs instead.
   */
  lockTimeoutAtConnect(settings: Record<string, unknown>, lockTimeoutMs: number): Record<string, unknown> | null;
  /**
   * The settings of a connection that runs only the tool's own catalog and state statements (the pool,
   * the run lock, the monitor): PostgreSQL turns JIT off there, since compiling those statements cost
   * 100-250 ms where their plans' estimates crossed `jit_above_cost`, for queries that run in a few
   * milliseconds. Sessions that run the user's statements (the DDL, EXPLAIN of verify queries, the
   * duplicate check) keep the server's settings.
   */
  forCatalogReads(settings: Record<string, unknown>): Record<string, unknown>;
  /** Opens one connection with these settings; `setup` statements run first on it. */
  connect(settings: Record<string, unknown>, setup: readonly string[]): Promise<DriverConnection>;
  /** Opens a lazy pool of at most `max` connections; `setup` statements run first on each new one. */
  openPool(settings: Record<string, unknown>, max: number, setup: readonly string[]): Promise<DriverPool>;
  /** Identifies the server behind a connection. */
  detectServer(run: RunQuery): Promise<ServerInfo>;
}

/** How every connection of the tool names itself; a session adds its role and run (`safe-index run 7 ddl`). */
export const toolConnectionName = 'safe-index';

/** Parses `15.20`, `10.11.19-MariaDB-0+deb12u1`, `8.0.36` into numbers. */
export function parseVersion(text: string): { major: number; minor: number; patch: number; version: string } {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return { major: 0, minor: 0, patch: 0, version: text };
  const [version, major, minor, patch] = match;
  return { version, major: Number(major), minor: Number(minor), patch: Number(patch ?? 0) };
}

/**
 * PostgreSQL: the Terminate message is written when `end` is called; `ending` settles once the backend
 * has exited. A settled connection has nothing running there, so only an unsettled one is waited for.
 */
function untilEnded(ending: Promise<unknown>, options: CloseOptions = {}): Promise<void> {
  if (!options.settled) return ending.then(() => {});
  ending.catch(() => {});
  return Promise.resolve();
}

const postgres: Driver = {
  knexClient: 'pg',
  urlScheme: 'postgres',
  defaultPort: 5432,
  defaultUser: 'postgres',
  connectionDefaults: {},
  identity: (name) => ({ application_name: name }),
  renameSql: "select set_config('application_name', ?, false)",
  rowsOfRaw(result) {
    const pg = result as { rows?: Row[] } | Array<{ rows?: Row[] }>;
    if (Array.isArray(pg)) return pg.at(-1)?.rows ?? [];
    return pg.rows ?? [];
  },
  async queryDirect(connection, sql) {
    // the extended protocol (Parse/Bind/Execute) runs exactly one statement: a second one is refused
    // by the server ("cannot insert multiple commands into a prepared statement", 42601)
    const query = { text: sql, queryMode: 'extended' };
    return postgres.rowsOfRaw(await (connection as { query(config: typeof query): Promise<unknown> }).query(query));
  },
  async queryBound(connection, sql, bindings) {
    checkBindings(sql, bindings);
    const query = { text: numberedPlaceholders(sql, bindings.length), values: [...bindings] };
    return postgres.rowsOfRaw(await (connection as { query(config: typeof query): Promise<unknown> }).query(query));
  },
  async insertReturningId(connection, sql, bindings) {
    const [row] = await postgres.queryBound(connection, `${sql} returning id`, bindings);
    return Number(row?.id);
  },
  assertOneStatementPerQuery() {
    // nothing to check: queryDirect and bound queries use the extended protocol, one statement each
  },
  connectionIdSql: 'select pg_backend_pid() as id',
  lockTimeoutSql: (ms) => `SET lock_timeout = ${Math.max(1, Math.round(ms))}`,
  lockTimeoutAtConnect(settings, ms) {
    // the start-up packet's `options` (as PGOPTIONS): a later -c wins, so the tool's value stays on top of
    // any the knexfile, URL or environment gives, as its SET after connect did
    const given = typeof settings.options === 'string' ? settings.options : (process.env.PGOPTIONS ?? '');
    const own = `-c lock_timeout=${Math.max(1, Math.round(ms))}`;
    return { ...settings, options: given.trim() ? `${given} ${own}` : own };
  },
  forCatalogReads(settings) {
    const given = typeof settings.options === 'string' ? settings.options : (process.env.PGOPTIONS ?? '');
    return { ...settings, options: given.trim() ? `${given} -c jit=off` : '-c jit=off' };
  },
  async connect(settings, setup) {
    const pg = await loadPg();
    const client = new pg.Client(settings);
    // a connection the server ends (a killed session) must not crash the process: the next query fails
    client.on('error', () => {});
    await client.connect();
    try {
      for (const sql of setup) await client.query(sql);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    return { connection: client, close: (options) => untilEnded(client.end(), options) };
  },
  async openPool(settings, max, setup) {
    const pg = await loadPg();
    const pool = new pg.Pool({ ...settings, max });
    // an idle connection the server ended is dropped by the pool; nothing to report
    pool.on('error', () => {});
    // queries queue on a client in order, so these run before anything the pool hands out
    pool.on('connect', (client) => {
      for (const sql of setup) client.query(sql).catch(() => {});
    });
    return {
      native: pool,
      async acquire() {
        const client = await pool.connect();
        // pg-pool closes a client released with `true` instead of keeping it
        return { connection: client, release: (discard) => client.release(discard === true) };
      },
      end: (options) => untilEnded(pool.end(), options),
    };
  },
  async detectServer(run) {
    const [row] = await run<{ version: string; db: string; schema: string | null }>(
      "select current_setting('server_version') as version, current_database() as db, current_schema() as schema",
    );
    return {
      dialect: 'postgres',
      flavor: 'postgres',
      ...parseVersion(String(row?.version ?? '')),
      database: String(row?.db),
      defaultSchema: row?.schema ?? 'public',
    };
  },
};

const mysql: Driver = {
  knexClient: 'mysql2',
  urlScheme: 'mysql',
  defaultPort: 3306,
  defaultUser: 'root',
  connectionDefaults: { multipleStatements: false },
  // program_name is a connection attribute: fixed at connect, shown in performance_schema.session_connect_attrs
  identity: (name) => ({ connectAttributes: { program_name: name } }),
  renameSql: null,
  rowsOfRaw(result) {
    const [rows] = result as [unknown, unknown];
    return Array.isArray(rows) ? (rows as Row[]) : [];
  },
  async queryDirect(connection, sql) {
    const rows = await new Promise<unknown>((resolve, reject) => {
      (connection as { query(sql: string, cb: (error: unknown, rows: unknown) => void): void }).query(
        sql,
        (error, result) => (error ? reject(error) : resolve(result)),
      );
    });
    return mysql.rowsOfRaw([rows]);
  },
  async queryBound(connection, sql, bindings) {
    checkBindings(sql, bindings);
    // the driver escapes the values into the text (client-side, as knex.raw had it do)
    const rows = await new Promise<unknown>((resolve, reject) => {
      (
        connection as { query(sql: string, values: unknown[], cb: (error: unknown, rows: unknown) => void): void }
      ).query(sql, [...bindings], (error, result) => (error ? reject(error) : resolve(result)));
    });
    return mysql.rowsOfRaw([rows]);
  },
  async insertReturningId(connection, sql, bindings) {
    checkBindings(sql, bindings);
    // the driver's result of an INSERT carries the AUTO_INCREMENT value of its first row
    const result = await new Promise<{ insertId?: number }>((resolve, reject) => {
      (
        connection as {
          query(sql: string, values: unknown[], cb: (error: unknown, result: { insertId?: number }) => void): void;
        }
      ).query(sql, [...bindings], (error, result) => (error ? reject(error) : resolve(result)));
    });
    return Number(result.insertId);
  },
  assertOneStatementPerQuery(connection) {
    const config = (connection as { config?: { multipleStatements?: unknown } }).config;
    if (!config || config.multipleStatements) {
      throw new SafeIndexError(
        'config',
        'refusing a MySQL connection with multipleStatements enabled (knexfile connection option): one statement per query',
      );
    }
  },
  connectionIdSql: 'select connection_id() as id',
  // whole seconds, at least 1, rounded up so the wait is never shorter than asked
  lockTimeoutSql: (ms) => `SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`,
  // the handshake carries no session variables
  lockTimeoutAtConnect: () => null,
  // no JIT compiler to turn off
  forCatalogReads: (settings) => settings,
  async connect(settings, setup) {
    const mysqlDriver = await loadMysql();
    const connection = mysqlDriver.createConnection(settings);
    connection.on('error', () => {});
    const close = () =>
      new Promise<void>((resolve) => connection.end(() => resolve())).finally(() => connection.destroy());
    try {
      await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
      for (const sql of setup) await mysql.queryDirect(connection, sql);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return { connection, close };
  },
  async openPool(settings, max, setup) {
    const mysqlDriver = await loadMysql();
    const pool = mysqlDriver.createPool({ ...settings, connectionLimit: max });
    pool.on('connection', (connection) => {
      for (const sql of setup) connection.query(sql, () => {});
    });
    return {
      native: pool,
      acquire: () =>
        new Promise((resolve, reject) =>
          pool.getConnection((error, connection) =>
            error
              ? reject(error)
              : resolve({ connection, release: (discard) => (discard ? connection.destroy() : connection.release()) }),
          ),
        ),
      end: () => new Promise<void>((resolve) => pool.end(() => resolve())),
    };
  },
  async detectServer(run) {
    const [row] = await run<{ version: string; db: string | null }>('select version() as version, database() as db');
    const raw = String(row?.version ?? '');
    const database = row?.db ?? '';
    return {
      dialect: 'mysql',
      flavor: /mariadb/i.test(raw) ? 'mariadb' : 'mysql',
      ...parseVersion(raw),
      database,
      defaultSchema: database,
    };
  },
};

/** The driver of each dialect. */
export const drivers: Record<DialectName, Driver> = { postgres, mysql };
