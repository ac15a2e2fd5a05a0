import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { createMysqlExecutor } from '../../../src/dialects/mysql/execute.js';
import { acquireRunLock } from '../../../src/executor/run-lock.js';
import { runCli } from '../../support/cli.js';
import { createNamedDatabase, type TestDatabase, testServersOf, useTestDatabase } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { writePlan } from '../../support/plans.js';

/** Two entries whose names differ only by case: one index on MySQL/MariaDB, two on PostgreSQL. */
const caseTwins = `indexes:
  - name: idx_a
    table: t
    columns: [a]
  - name: IDX_A
    table: t
    columns: [a, b]
`;

/** One index on `t (a)`. */
const oneIndex = `indexes:
  - name: idx_a
    table: t
    columns: [a]
`;

/** `t (id, a, b)`, the table of every test here. */
const createT = async (test: TestDatabase) => {
  await test.exec('create table t (id int primary key, a int, b int)');
};

describe.each(testServersOf('mysql'))('index names without case on $label', (server) => {
  const database = useTestDatabase(server, createT);
  let test: TestDatabase;
  beforeAll(async () => {
    test = database();
    await test.exec('alter table t add index idx_live (b)');
  });

  it('two entries differing only by case are a plan error at the second name', async () => {
    const file = await writePlan(caseTwins);
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
    expect(await indexNames(test.db, 't', { primary: true })).toEqual(['idx_live', 'PRIMARY']);
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
    const upper = await createNamedDatabase(server, `${base}_CS`);
    const lower = await createNamedDatabase(server, `${base}_cs`);
    let db: Database | undefined;
    let lock: Awaited<ReturnType<typeof acquireRunLock>> | undefined;
    try {
      db = await openDatabase(targetFromUrl(upper.url));
      lock = await acquireRunLock(db, createMysqlExecutor(db.server), 0);
      await lower.exec('create table t (id int primary key, a int)');
      const file = await writePlan(oneIndex);
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
    const database = await createNamedDatabase(server, name);
    try {
      await database.exec('create table t (id int primary key, a int)');
      const file = await writePlan(oneIndex);
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
  const database = useTestDatabase(server, createT);

  it('two entries differing only by case are two indexes (quoted names are exact)', async () => {
    const file = await writePlan(caseTwins);
    const result = await runCli(['plan', file, '--url', database().url, '--format', 'json']);
    expect(result.exitCode, result.stdout).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document.errors).toEqual([]);
    expect(document.changes.map((change: { index: string; action: string }) => [change.index, change.action])).toEqual([
      ['idx_a', 'create'],
      ['IDX_A', 'create'],
    ]);
  });
});
