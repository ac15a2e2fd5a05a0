import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createTestUser, type TestUser } from '../../support/roles.js';

interface ChangeJson {
  index: string;
  sql: string[];
  rollback: string[];
  online: boolean;
  online_reason?: string;
  online_source?: string;
  warnings: string[];
}

const plan = `indexes:
  - name: idx_a
    table: probe_docs
    columns: [a]
  - name: ft_body
    table: probe_docs
    columns: [body]
    using: fulltext
  - name: idx_v
    table: probe_docs
    columns: [v]
`;

async function planJson(url: string, file: string) {
  const result = await runCli(['plan', file, '--url', url, '--format', 'json']);
  expect(result.exitCode, result.stdout + result.stderr).toBe(2);
  const document = JSON.parse(result.stdout) as {
    changes: ChangeJson[];
    probe?: { status: string; message: string };
  };
  const change = (name: string) => document.changes.find((c) => c.index === name)!;
  return { document, change };
}

/** Scratch schemas of the probe on the server (those of other test files come and go). */
async function scratchSchemas(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "select schema_name as name from information_schema.schemata where schema_name like 'safe\\_index\\_probe\\_%'",
  );
  return rows.map((row) => row.name);
}

/** Scratch schemas that still hold a copy of this test's table: none may stay behind. */
async function leftCopies(db: Database): Promise<string[]> {
  const rows = await db.query<{ name: string }>(
    "select table_schema as name from information_schema.tables where table_schema like 'safe\\_index\\_probe\\_%' and table_name = 'probe_docs'",
  );
  return rows.map((row) => row.name);
}

/** Runs an ALTER on the real table and says what the server did with it. */
async function realAlter(test: TestDatabase, sql: string): Promise<'accepted' | string> {
  try {
    await test.exec(sql);
    return 'accepted';
  } catch (error) {
    return String((error as { errno?: number }).errno ?? (error as Error).message);
  }
}

function withLockNone(sql: string, algorithm: string): string {
  return sql.replace(/ALGORITHM=\w+, LOCK=\w+$/, `ALGORITHM=${algorithm}, LOCK=NONE`);
}

describe.each(testServersOf('mysql'))('capability probe on $label', (server) => {
  let test: TestDatabase;
  let admin: Database;
  let file: string;
  const algorithm = server.label === 'mariadb' ? 'NOCOPY' : 'INPLACE';
  beforeAll(async () => {
    test = await createTestDatabase(server);
    admin = await openDatabase(targetFromUrl(server.adminUrl));
    await test.exec(
      'create table probe_docs (id int primary key, a int, body text, v int as (a + 1) virtual) engine=innodb',
    );
    await test.exec("insert into probe_docs (id, a, body) values (1, 1, 'hello world'), (2, 2, 'other text')");
    file = await writePlan(plan);
  });
  afterAll(async () => {
    await admin?.close();
    await test?.drop();
  });

  it('takes each verdict from the server, and the real ALTER agrees (plain, FULLTEXT, virtual column)', async () => {
    const { document, change } = await planJson(test.url, file);
    expect(document.probe?.status, document.probe?.message).toBe('ran');
    for (const name of ['idx_a', 'ft_body', 'idx_v']) expect(change(name).online_source).toBe('probe');
    expect(change('idx_a').online).toBe(true);
    expect(change('idx_a').sql[0]).toContain(`ALGORITHM=${algorithm}, LOCK=NONE`);
    expect(change('ft_body').online).toBe(false);
    expect(change('ft_body').online_reason).toMatch(/Fulltext index creation requires a lock/);
    expect(change('ft_body').sql[0]).toContain('LOCK=SHARED');
    // MariaDB builds an index on a virtual column with LOCK=NONE; MySQL 9.7 does too (its 8.0 rule said 3178)
    expect(change('idx_v').online).toBe(true);
    expect(await leftCopies(admin)).toEqual([]);

    // the real ALTERs, on the real table with its rows: LOCK=NONE where the probe said online, refused where not
    expect(await realAlter(test, withLockNone(change('idx_a').sql[0]!, algorithm))).toBe('accepted');
    expect(await realAlter(test, withLockNone(change('ft_body').sql[0]!, algorithm))).toBe('1846');
    expect(await realAlter(test, change('ft_body').sql[0]!)).toBe('accepted');
    expect(await realAlter(test, withLockNone(change('idx_v').sql[0]!, algorithm))).toBe('accepted');
    await test.exec('alter table probe_docs drop index idx_a, drop index ft_body, drop index idx_v');
  });

  it('apply follows the probe: the online changes run without --allow-blocking, FULLTEXT is refused', async () => {
    const online = await writePlan(`indexes:
  - name: idx_a
    table: probe_docs
    columns: [a]
  - name: idx_v
    table: probe_docs
    columns: [v]
`);
    const args = ['--url', test.url, '--yes', '--rollback-dir', `${file}.rb`, '--format', 'json'];
    const applied = await runCli(['apply', online, ...args]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('applied');
    const refused = await runCli(['apply', file, ...args]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toContain('Fulltext index creation requires a lock');
    const rolledBack = await runCli(['rollback', ...args]);
    expect(rolledBack.exitCode, rolledBack.stdout + rolledBack.stderr).toBe(0);
    expect(await leftCopies(admin)).toEqual([]);
  });

  it('drops a scratch schema a dead probe left more than an hour ago', async () => {
    const stale = `safe_index_probe_${(Date.now() - 2 * 3_600_000).toString(36)}_dead${randomBytes(2).toString('hex')}`;
    const fresh = `safe_index_probe_${Date.now().toString(36)}_live${randomBytes(2).toString('hex')}`;
    await admin.query(`create database \`${stale}\``);
    await admin.query(`create database \`${fresh}\``);
    try {
      await planJson(test.url, file);
      const left = await scratchSchemas(admin);
      expect(left).not.toContain(stale);
      expect(left).toContain(fresh); // may belong to a probe running now
    } finally {
      await admin.query(`drop database if exists \`${stale}\``);
      await admin.query(`drop database if exists \`${fresh}\``);
    }
  });

  describe('least privilege', () => {
    let user: TestUser;
    beforeAll(async () => {
      user = await createTestUser(test, 'deploy');
    });
    afterAll(async () => {
      await admin
        .query(`revoke all privileges on \`safe\\_index\\_probe\\_%\`.* from '${user.name}'@'%'`)
        .catch(() => {});
      await user?.drop();
    });

    it('without the right to create the scratch schema, falls back to the rules and says so', async () => {
      const { document, change } = await planJson(user.url, file);
      expect(document.probe?.status).toBe('unavailable');
      expect(document.probe?.message).toMatch(/may not create a scratch schema .*online verdicts come from the rules/);
      for (const name of ['idx_a', 'ft_body', 'idx_v']) expect(change(name).online_source).toBe('rules');
      expect(change('idx_a').online).toBe(true);
      expect(change('ft_body').online).toBe(false);
      const text = await runCli(['plan', file, '--url', user.url]);
      expect(text.stdout).toContain('online check: capability probe not run');
    });

    it('when the probe can create its schema but not alter in it, it still drops the schema and keeps the rules', async () => {
      await admin.query(`grant create, drop on \`safe\\_index\\_probe\\_%\`.* to '${user.name}'@'%'`);
      const { document, change } = await planJson(user.url, file);
      expect(document.probe?.status, document.probe?.message).toBe('unavailable');
      expect(change('idx_a').online_source).toBe('rules');
      expect(change('idx_a').warnings.join('\n')).toMatch(
        /the probe could not run it: .*(ALTER|INDEX) command denied/i,
      );
      expect(await leftCopies(admin)).toEqual([]);
    });

    it('with CREATE, DROP, ALTER, INDEX on the probe schemas, the server decides', async () => {
      await admin.query(`grant create, drop, alter, index on \`safe\\_index\\_probe\\_%\`.* to '${user.name}'@'%'`);
      const { document, change } = await planJson(user.url, file);
      expect(document.probe?.status, document.probe?.message).toBe('ran');
      expect(change('idx_v').online_source).toBe('probe');
      expect(await leftCopies(admin)).toEqual([]);
    });
  });
});
