import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { createMysqlExecutor } from '../../../src/dialects/mysql/execute.js';
import { acquireRunLock } from '../../../src/executor/run-lock.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, type TestServer, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

/** A database with exactly this name on the server, and its URL. */
async function namedDatabase(server: TestServer, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await openDatabase(targetFromUrl(server.adminUrl));
  try {
    await admin.query(`create database \`${name}\``);
  } finally {
    await admin.close();
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = await openDatabase(targetFromUrl(server.adminUrl));
      try {
        await again.query(`drop database if exists \`${name}\``);
      } finally {
        await again.close();
      }
    },
  };
}

describe.each(testServersOf('mysql'))('index names without case on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int, b int)');
    await test.exec('alter table t add index idx_live (b)');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('two entries differing only by case are a plan error at the second name', async () => {
    const file = await writePlan(`indexes:
  - name: idx_a
    table: t
    columns: [a]
  - name: IDX_A
    table: t
    columns: [a, b]
`);
    const result = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const errors = JSON.parse(result.stdout).errors as { code: string; line: number; file: string; message: string }[];
    const conflict = errors.find((error) => error.code === 'name_case_conflict');
    expect(conflict, JSON.stringify(errors)).toBeDefined();
    expect(conflict?.file).toBe(file);
    expect(conflict?.line).toBe(5);
    expect(conflict?.message).toContain('differ only by case');
    // apply refuses it before any DDL: the table keeps its one secondary index
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', `${file}.rb`]);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toContain('differ only by case');
    const keys = await test.exec(
      "select distinct index_name as k from information_schema.statistics where table_schema = database() and table_name = 't' order by 1",
    );
    expect(keys.map((row) => row.k)).toEqual(['idx_live', 'PRIMARY']);
  });

  it('a name matching a live index only ignoring case is a plan error naming the live spelling', async () => {
    const file = await writePlan(`indexes:
  - name: IDX_LIVE
    table: t
    columns: [b]
`);
    const result = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(result.exitCode, result.stderr).toBe(1);
    const errors = JSON.parse(result.stdout).errors as { code: string; line: number; message: string }[];
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'name_case_conflict', line: 2 });
    expect(errors[0]?.message).toContain('as "idx_live"');
    const text = await runCli(['plan', file, '--url', test.url]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout + text.stderr).toMatch(/plan\.yml:2:\d+: index "IDX_LIVE" is live/);
  });

  it('databases whose names differ only by case have separate run locks', async () => {
    const base = `si_${randomBytes(4).toString('hex')}`;
    const upper = await namedDatabase(server, `${base}_CS`);
    const lower = await namedDatabase(server, `${base}_cs`);
    let db: Database | undefined;
    let lock: Awaited<ReturnType<typeof acquireRunLock>> | undefined;
    try {
      db = await openDatabase(targetFromUrl(upper.url));
      lock = await acquireRunLock(db, createMysqlExecutor(db.server), 0);
      const other = await openDatabase(targetFromUrl(lower.url));
      try {
        await other.query('create table t (id int primary key, a int)');
      } finally {
        await other.close();
      }
      const file = await writePlan(`indexes:
  - name: idx_a
    table: t
    columns: [a]
`);
      const applied = await runCli([
        'apply',
        file,
        '--url',
        lower.url,
        '--yes',
        '--wait',
        '1s',
        '--rollback-dir',
        `${file}.rb`,
        '--format',
        'json',
      ]);
      expect(applied.exitCode, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout).status).toBe('applied');
    } finally {
      await lock?.release();
      await db?.close();
      await upper.drop();
      await lower.drop();
    }
  });

  it('a database name of 64 characters gets a run lock and applies', async () => {
    const name = `si_${randomBytes(4).toString('hex')}_`.padEnd(64, 'x');
    expect(name).toHaveLength(64);
    const database = await namedDatabase(server, name);
    try {
      const db = await openDatabase(targetFromUrl(database.url));
      try {
        await db.query('create table t (id int primary key, a int)');
      } finally {
        await db.close();
      }
      const file = await writePlan(`indexes:
  - name: idx_a
    table: t
    columns: [a]
`);
      const args = ['--url', database.url, '--yes', '--rollback-dir', `${file}.rb`, '--format', 'json'];
      const applied = await runCli(['apply', file, ...args]);
      expect(applied.exitCode, applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout).status).toBe('applied');
      const rolledBack = await runCli(['rollback', ...args]);
      expect(rolledBack.exitCode, rolledBack.stderr).toBe(0);
    } finally {
      await database.drop();
    }
  });
});

describe.each(testServersOf('postgres'))('index names keep their case on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int, b int)');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('two entries differing only by case are two indexes (quoted names are exact)', async () => {
    const file = await writePlan(`indexes:
  - name: idx_a
    table: t
    columns: [a]
  - name: IDX_A
    table: t
    columns: [a, b]
`);
    const result = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(result.exitCode, result.stdout).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document.errors).toEqual([]);
    expect(document.changes.map((change: { index: string; action: string }) => [change.index, change.action])).toEqual([
      ['idx_a', 'create'],
      ['IDX_A', 'create'],
    ]);
  });
});
