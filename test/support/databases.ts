import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';
import { type Database, openDatabase } from '../../src/connection/database.js';
import { targetFromUrl } from '../../src/connection/target.js';

/** One server the integration suite runs against. */
export interface TestServer {
  /** Short label used in test names: pg15, pg18, mariadb, mysql97. */
  label: string;
  dialect: 'postgres' | 'mysql';
  /** Admin URL without a database. */
  adminUrl: string;
}

/**
 * MySQL 9.7 in the Debian sid chroot of scripts/ensure-mysql.sh. Optional: when nothing answers there the
 * global setup prints why and its tests are left out (SAFE_INDEX_SKIP_MYSQL=1 leaves it out unasked).
 */
export const mysql97Url = process.env.SAFE_INDEX_TEST_MYSQL97_URL ?? 'mysql://root@127.0.0.1:3307/';

/**
 * The servers every integration suite loops over: system PostgreSQL, embedded PostgreSQL 18, MariaDB,
 * and MySQL 9.7 unless the global setup found it missing.
 */
export function testServers(): TestServer[] {
  const servers: TestServer[] = [
    {
      label: 'pg15',
      dialect: 'postgres',
      adminUrl: process.env.SAFE_INDEX_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    { label: 'pg18', dialect: 'postgres', adminUrl: inject('embeddedPgUrl') },
    {
      label: 'mariadb',
      dialect: 'mysql',
      adminUrl: process.env.SAFE_INDEX_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/',
    },
    { label: 'mysql97', dialect: 'mysql', adminUrl: mysql97Url },
  ];
  const missing = inject('missingServers');
  const only = process.env.SAFE_INDEX_TEST_ONLY?.split(',');
  return servers.filter((server) => !missing.includes(server.label) && (!only || only.includes(server.label)));
}

/** Servers of one dialect. */
export function testServersOf(dialect: 'postgres' | 'mysql'): TestServer[] {
  return testServers().filter((server) => server.dialect === dialect);
}

/** A fresh database on a test server; `url` points into it. */
export interface TestDatabase {
  server: TestServer;
  name: string;
  url: string;
  /** An open connection to the test database (closed by `drop`). */
  db: Database;
  /** Runs SQL on the test database. */
  exec(sql: string, bindings?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  drop(): Promise<void>;
}

function withDatabaseName(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Creates a new, empty database named after the test and returns a connection to it. */
export function createTestDatabase(server: TestServer, prefix = 'si'): Promise<TestDatabase> {
  return createNamedDatabase(server, `${prefix}_${randomBytes(5).toString('hex')}`);
}

/** Creates a new, empty database spelled exactly `name` (quoted) and returns a connection to it. */
export async function createNamedDatabase(server: TestServer, name: string): Promise<TestDatabase> {
  const admin = await openDatabase(targetFromUrl(server.adminUrl));
  try {
    await admin.query(server.dialect === 'postgres' ? `create database "${name}"` : `create database \`${name}\``);
  } finally {
    await admin.close();
  }
  const url = withDatabaseName(server.adminUrl, name);
  const db = await openDatabase(targetFromUrl(url));
  return {
    server,
    name,
    url,
    db,
    exec: (sql, bindings) => db.query(sql, bindings),
    drop: async () => {
      await db.close();
      const again = await openDatabase(targetFromUrl(server.adminUrl));
      try {
        await again.query(
          server.dialect === 'postgres'
            ? `drop database if exists "${name}" with (force)`
            : `drop database if exists \`${name}\``,
        );
      } finally {
        await again.close();
      }
    },
  };
}

/**
 * A database for the tests of the enclosing `describe` on `server`: created (then `setUp` run on it) before
 * them and dropped after them; with `each`, a new one for every test. Read it through the returned function.
 */
export function useTestDatabase(
  server: TestServer,
  setUp: (test: TestDatabase) => Promise<void> = async () => {},
  options: { each?: boolean } = {},
): () => TestDatabase {
  let test: TestDatabase | undefined;
  const [before, after] = options.each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    test = await createTestDatabase(server);
    await setUp(test);
  });
  after(async () => {
    await test?.drop();
    test = undefined;
  });
  return () => {
    if (!test) throw new Error('the test database is made in a before hook: read it inside a test or hook');
    return test;
  };
}
