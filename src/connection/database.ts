import knexFactory, { type Knex } from 'knex';
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
  readonly knex: Knex;
  readonly target: Target;
  readonly server: ServerInfo;
  /** Runs one statement on any pooled connection. */
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /**
   * Opens a dedicated connection outside the pool (for session settings, advisory locks, online DDL),
   * named `safe-index <label>` where the server allows.
   */
  session(label?: string): Promise<Session>;
  /** Number of statements sent so far through this object (for the no-N+1 checks). */
  readonly queryCount: number;
  close(): Promise<void>;
}

/**
 * The target's connection settings with the driver's defaults forced on top (a knexfile cannot turn
 * MySQL `multipleStatements` back on), whether the knexfile gives an object or a function.
 */
function withDriverDefaults(connection: Knex.Config['connection'], driver: Driver): Knex.Config['connection'] {
  // every connection identifies itself, so a DBA can tell the tool's sessions apart
  const defaults = { ...driver.connectionDefaults, ...driver.identity(toolConnectionName) };
  if (typeof connection === 'function') {
    const make = connection as () => unknown;
    return (async () => ({ ...((await make()) as object), ...defaults })) as Knex.Config['connection'];
  }
  if (connection && typeof connection === 'object') return { ...connection, ...defaults } as Knex.Config['connection'];
  return connection;
}

/** Opens a pool to the target and identifies the server. Errors never carry the password. */
export async function openDatabase(target: Target): Promise<Database> {
  const driver = drivers[target.dialect];
  const quiet = () => {};
  const knex = knexFactory({
    ...target.knexConfig,
    connection: withDriverDefaults(target.knexConfig.connection, driver),
    pool: {
      min: 0,
      max: 8,
      afterCreate: (connection: unknown, done: (error: Error | null, connection: unknown) => void) => {
        try {
          driver.assertOneStatementPerQuery(connection);
          done(null, connection);
        } catch (error) {
          done(error as Error, connection);
        }
      },
    },
    log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
  });
  let count = 0;
  knex.on('query', () => {
    count += 1;
  });
  // biome-ignore lint/suspicious/noExplicitAny: knex exposes no typed connection API on its client
  const client = (knex as any).client;
  /**
   * Statements without bindings go to the driver untouched: knex.raw would rewrite every `?` (even
   * inside string literals, e.g. `WHERE note = 'why?'`) into a placeholder.
   */
  const direct = async (connection: unknown, sql: string): Promise<Row[]> => {
    count += 1;
    return driver.queryDirect(connection, sql);
  };
  const run = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> => {
    if (bindings && bindings.length > 0) {
      return driver.rowsOfRaw(await knex.raw(sql, bindings as Knex.RawBinding[])) as T[];
    }
    const connection = await client.acquireConnection();
    try {
      return (await direct(connection, sql)) as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  };
  let server: ServerInfo;
  try {
    server = await driver.detectServer(run);
  } catch (error) {
    await knex.destroy().catch(() => {});
    const message = redact((error as Error).message, target.secrets);
    throw new ConnectionError(`cannot connect to ${target.display}: ${message}`, error);
  }
  const session = async (label?: string): Promise<Session> => {
    // a raw connection outside the pool: its session settings and locks never leak to other work
    const connection = await client.acquireRawConnection();
    try {
      driver.assertOneStatementPerQuery(connection);
    } catch (error) {
      await client.destroyRawConnection(connection).catch(() => {});
      throw error;
    }
    connection.__knexUid = `safe-index-session-${Math.random().toString(36).slice(2)}`;
    const exec = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> => {
      if (!bindings || bindings.length === 0) return (await direct(connection, sql)) as T[];
      const result = await knex.raw(sql, bindings as Knex.RawBinding[]).connection(connection);
      return driver.rowsOfRaw(result) as T[];
    };
    const identify = async (name: string) => {
      if (driver.renameSql) await exec(driver.renameSql, [`${toolConnectionName} ${name}`.slice(0, 63)]);
    };
    const [idRow] = await exec<{ id: number | string }>(driver.connectionIdSql);
    if (label) await identify(label);
    return {
      query: exec,
      identify,
      id: Number(idRow?.id),
      release: async () => {
        await client.destroyRawConnection(connection).catch(() => {});
      },
    };
  };
  return {
    knex,
    target,
    server,
    query: run,
    session,
    get queryCount() {
      return count;
    },
    close: () => knex.destroy(),
  };
}
