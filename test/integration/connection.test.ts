import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/connection/database.js';
import { targetFromKnexfile, targetFromUrl } from '../../src/connection/target.js';
import { createTestDatabase, type TestDatabase, testServers } from '../support/databases.js';

describe.each(testServers())('connection on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('detects flavor and version', async () => {
    const expected = { pg15: 'postgres', pg18: 'postgres', mariadb: 'mariadb', mysql97: 'mysql' }[server.label];
    expect(test.db.server.flavor).toBe(expected);
    expect(test.db.server.major).toBeGreaterThan(8);
    if (server.label === 'pg18') expect(test.db.server.major).toBe(18);
    if (server.label === 'mysql97') expect(test.db.server.major).toBe(9);
  });

  it('gives sessions with their own server connection id', async () => {
    const a = await test.db.session();
    const b = await test.db.session();
    expect(a.id).not.toBe(b.id);
    await a.release();
    await b.release();
  });

  it('sends a question mark inside a literal untouched, pooled and on a session', async () => {
    const sql = "select 'why?' as a, 'a??b' as b, 'c\\?d' as c";
    const expected = { a: 'why?', b: 'a??b', c: server.dialect === 'postgres' ? 'c\\?d' : 'c?d' };
    expect(await test.db.query(sql)).toEqual([expected]);
    const session = await test.db.session();
    expect(await session.query(sql)).toEqual([expected]);
    await session.release();
  });

  it('takes a knexfile connection, and its PostgreSQL searchPath, on pooled and session connections', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'si-knexfile-'));
    const url = new URL(test.url);
    const settings = {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: test.name,
    };
    const pg = server.dialect === 'postgres';
    if (pg) await test.exec('create schema app');
    const knexfile = path.join(dir, 'knexfile.mjs');
    await writeFile(
      knexfile,
      `export default { client: '${pg ? 'pg' : 'mysql2'}', ${pg ? "searchPath: ['app', 'public'], " : ''}` +
        `connection: ${JSON.stringify(settings)} };\n`,
    );
    const db = await openDatabase(await targetFromKnexfile(knexfile));
    const session = await db.session();
    try {
      const sql = pg ? 'select current_schema() as s' : 'select database() as s';
      const expected = [{ s: pg ? 'app' : test.name }];
      expect(await db.query(sql)).toEqual(expected);
      expect(await session.query(sql)).toEqual(expected);
      expect(await session.query('select ? as n', ['x'])).toEqual([{ n: 'x' }]);
    } finally {
      await session.release();
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.runIf(server.dialect === 'postgres')(
    "runs its own catalog reads without JIT (pool, catalog sessions) and the user's statements with the server's setting",
    async () => {
      // where each connection's jit comes from: the tool's start-up options ('client') on its own
      // connections; on the DDL session whatever the server (or a knexfile) set, never the tool
      const jit = async (query: (sql: string) => Promise<Record<string, unknown>[]>) => {
        const [row] = await query("select setting, source from pg_settings where name = 'jit'");
        return { setting: String(row?.setting), source: String(row?.source) };
      };
      const db = await openDatabase(targetFromUrl(test.url), { lockTimeoutMs: 2000 });
      const catalog = await db.session('catalog', { catalogReads: true });
      const ddl = await db.session('ddl');
      try {
        expect(await jit((sql) => db.query(sql))).toEqual({ setting: 'off', source: 'client' });
        expect(await jit((sql) => catalog.query(sql))).toEqual({ setting: 'off', source: 'client' });
        // the DDL and EXPLAIN sessions are left as the server (or the knexfile) has them
        expect((await jit((sql) => ddl.query(sql))).source).not.toBe('client');
        // the lock timeout still rides in the same start-up options
        expect((await db.query("select current_setting('lock_timeout') as t"))[0]?.t).toBe('2s');
      } finally {
        await catalog.release();
        await ddl.release();
        await db.close();
      }
    },
  );

  it('opens the sessions asked for up front beside the pool, hands each out once, and closes unused ones', async () => {
    let ids: number[] = [];
    const db = await openDatabase(targetFromUrl(test.url), {
      early: [{ label: 'early one', catalogReads: true }, { label: 'early two' }],
    });
    try {
      // both connect without anyone asking for them (beside the pool's first connection, so they may
      // still be on their way when openDatabase returns): the pool's and the two early ones show up
      for (let i = 0; i < 600 && ids.length < 3; i += 1) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 50));
        ids = await serverConnectionIds(test, server.dialect);
      }
      expect(ids.length).toBeGreaterThanOrEqual(3);
      const first = await db.session('early one', { catalogReads: true });
      expect(ids).toContain(first.id);
      // handed out once: asking again opens a new one
      const again = await db.session('early one', { catalogReads: true });
      expect(again.id).not.toBe(first.id);
      await first.release();
      await again.release();
    } finally {
      await db.close();
    }
    // the unused one ('early two') is closed with the database, as are the others
    for (let i = 0; i < 600; i += 1) {
      const left = (await serverConnectionIds(test, server.dialect)).filter((id) => ids.includes(id));
      if (left.length === 0) break;
      if (i === 599) throw new Error(`connections still open after close: ${left.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  it('never prints the password of a failed connection', async () => {
    const url = new URL(server.adminUrl);
    url.username = 'nobody_here';
    url.password = 'S3cret-pw';
    url.port = '1';
    const error = await openDatabase(targetFromUrl(url.toString())).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('cannot connect');
    expect((error as Error).message).not.toContain('S3cret-pw');
  });
});

/** Server ids of the connections to the test database other than the test's own. */
async function serverConnectionIds(test: TestDatabase, dialect: 'postgres' | 'mysql'): Promise<number[]> {
  const rows = await test.exec(
    dialect === 'postgres'
      ? 'select pid as id from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
      : 'select id from information_schema.processlist where db = database() and id <> connection_id()',
  );
  return rows.map((row) => Number(row.id));
}
