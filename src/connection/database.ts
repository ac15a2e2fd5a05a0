import knexFactory, { type Knex } from 'knex';
import { ConnectionError } from '../errors.js';
import { type DialectName, redact, type Target } from './target.js';

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

/** One dedicated connection, outside any transaction unless the caller starts one. */
export interface Session {
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** The server's id of this connection (pg_backend_pid / CONNECTION_ID). */
  readonly id: number;
  release(): Promise<void>;
}

/** An open connection pool to the target with the server identified. */
export interface Database {
  readonly knex: Knex;
  readonly target: Target;
  readonly server: ServerInfo;
  /** Runs one statement on any pooled connection. */
  query<T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** Opens a dedicated connection outside the pool (for session settings, advisory locks, online DDL). */
  session(): Promise<Session>;
  /** Number of statements sent so far through this object (for the no-N+1 checks). */
  readonly queryCount: number;
  close(): Promise<void>;
}

function rowsOf(dialect: DialectName, result: unknown): Row[] {
  if (dialect === 'postgres') {
    const pg = result as { rows?: Row[] } | Array<{ rows?: Row[] }>;
    if (Array.isArray(pg)) return pg.at(-1)?.rows ?? [];
    return pg.rows ?? [];
  }
  const [rows] = result as [unknown, unknown];
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

function parseVersion(text: string): { major: number; minor: number; patch: number; version: string } {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return { major: 0, minor: 0, patch: 0, version: text };
  const [version, major, minor, patch] = match;
  return { version, major: Number(major), minor: Number(minor), patch: Number(patch ?? 0) };
}

async function detectServer(dialect: DialectName, run: Database['query']): Promise<ServerInfo> {
  if (dialect === 'postgres') {
    const [row] = await run<{ version: string; db: string; schema: string | null }>(
      "select current_setting('server_version') as version, current_database() as db, current_schema() as schema",
    );
    const parsed = parseVersion(String(row?.version ?? ''));
    return {
      dialect,
      flavor: 'postgres',
      ...parsed,
      database: String(row?.db),
      defaultSchema: row?.schema ?? 'public',
    };
  }
  const [row] = await run<{ version: string; db: string | null }>('select version() as version, database() as db');
  const raw = String(row?.version ?? '');
  const parsed = parseVersion(raw);
  const database = row?.db ?? '';
  return {
    dialect,
    flavor: /mariadb/i.test(raw) ? 'mariadb' : 'mysql',
    ...parsed,
    database,
    defaultSchema: database,
  };
}

/** Opens a pool to the target and identifies the server. Errors never carry the password. */
export async function openDatabase(target: Target): Promise<Database> {
  const quiet = () => {};
  const knex = knexFactory({
    ...target.knexConfig,
    pool: { min: 0, max: 8 },
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
    if (target.dialect === 'postgres') {
      return rowsOf('postgres', await (connection as { query(sql: string): Promise<unknown> }).query(sql));
    }
    const rows = await new Promise<unknown>((resolve, reject) => {
      (connection as { query(sql: string, cb: (error: unknown, rows: unknown) => void): void }).query(
        sql,
        (error, rows) => (error ? reject(error) : resolve(rows)),
      );
    });
    return rowsOf('mysql', [rows]);
  };
  const run = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> => {
    if (bindings) return rowsOf(target.dialect, await knex.raw(sql, bindings as Knex.RawBinding[])) as T[];
    const connection = await client.acquireConnection();
    try {
      return (await direct(connection, sql)) as T[];
    } finally {
      await client.releaseConnection(connection);
    }
  };
  let server: ServerInfo;
  try {
    server = await detectServer(target.dialect, run);
  } catch (error) {
    await knex.destroy().catch(() => {});
    const message = redact((error as Error).message, target.secrets);
    throw new ConnectionError(`cannot connect to ${target.display}: ${message}`, error);
  }
  const session = async (): Promise<Session> => {
    // a raw connection outside the pool: its session settings and locks never leak to other work
    const connection = await client.acquireRawConnection();
    connection.__knexUid = `safe-index-session-${Math.random().toString(36).slice(2)}`;
    const exec = async <T extends Row = Row>(sql: string, bindings?: readonly unknown[]): Promise<T[]> => {
      if (!bindings) return (await direct(connection, sql)) as T[];
      const result = await knex.raw(sql, bindings as Knex.RawBinding[]).connection(connection);
      return rowsOf(target.dialect, result) as T[];
    };
    const [idRow] = await exec<{ id: number | string }>(
      target.dialect === 'postgres' ? 'select pg_backend_pid() as id' : 'select connection_id() as id',
    );
    return {
      query: exec,
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
