import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

const plan = `indexes:
  - name: uq_accounts_email
    table: accounts
    columns: [email]
    unique: true
`;

/** Statements the server was sent that mention the index (PostgreSQL: an event trigger logs every DDL). */
async function ddlMentioningIndex(test: TestDatabase): Promise<string[]> {
  if (test.server.dialect !== 'postgres') return [];
  const rows = await test.exec("select query from ddl_log where query like '%uq_accounts_email%' order by at");
  return rows.map((row) => String(row.query));
}

describe.each(testServers())('unique pre-check on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-dup-'));
    await test.exec('create table accounts (id int primary key, email varchar(64))');
    // two duplicated keys (one three times), NULLs that never collide, and unique rows
    const emails = ['a@x', 'a@x', 'a@x', 'b@x', 'b@x', 'c@x', null, null];
    for (const [i, email] of emails.entries()) await test.exec('insert into accounts values (?, ?)', [i + 1, email]);
    if (server.dialect === 'postgres') {
      await test.exec('create table ddl_log (query text, at timestamptz default clock_timestamp())');
      // DROP INDEX CONCURRENTLY must be the first action of its transaction: a trigger write would break it
      await test.exec(`create function log_ddl() returns event_trigger language plpgsql as $$
        begin if tg_tag <> 'DROP INDEX' then insert into ddl_log(query) values (current_query()); end if; end $$`);
      await test.exec('create event trigger log_ddl on ddl_command_start execute function log_ddl()');
    }
  });
  afterEach(async () => {
    if (server.dialect === 'postgres') await test?.exec('drop event trigger if exists log_ddl');
    await test?.drop();
  });

  it('fails the step before any build is sent, naming the duplicated keys with their counts', async () => {
    const file = await writePlan(plan);
    const result = await applyPlan(file, test.url, dir, '--format', 'json');
    expect(result.exitCode, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('failed');
    expect(report.errors[0].code).toBe('duplicate_key');
    expect(report.errors[0].message).toMatch(/\(email=a@x\) × 3, \(email=b@x\) × 2/);
    expect(report.errors[0].message).toMatch(/nothing was built/);
    expect(report.errors[0].message).not.toMatch(/null/i);
    expect(await ddlMentioningIndex(test)).toEqual([]);
    const [step] = await test.exec('select attempts, statements_done, status from safe_index_steps');
    expect(step).toMatchObject({ status: 'failed' });
    expect(Number(step?.attempts)).toBe(0);
  });

  it('--no-duplicate-check sends the build, which the server fails as before', async () => {
    const file = await writePlan(plan);
    const result = await applyPlan(file, test.url, dir, '--format', 'json', '--no-duplicate-check');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.errors[0].code).toBe('duplicate_key');
    expect(report.errors[0].message).not.toMatch(/nothing was built/);
    if (server.dialect === 'postgres') {
      expect(await ddlMentioningIndex(test)).toEqual([expect.stringMatching(/^CREATE UNIQUE INDEX CONCURRENTLY/)]);
      // the failed build's INVALID index was dropped again
      expect(await test.exec("select 1 from pg_class where relname = 'uq_accounts_email'")).toEqual([]);
    }
    const [step] = await test.exec('select attempts from safe_index_steps');
    expect(Number(step?.attempts)).toBe(1);
  });

  it('unique data passes the check and the index is built', async () => {
    await test.exec("delete from accounts where email in ('a@x', 'b@x')");
    const file = await writePlan(plan);
    const result = await applyPlan(file, test.url, dir);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('a check that outlasts --duplicate-check-timeout fails the step and says so', async () => {
    // a key expression slow enough to outlast a 1 ms check on any machine
    await test.exec(
      server.dialect === 'postgres'
        ? 'insert into accounts select g, md5(g::text) from generate_series(100, 60000) g'
        : "insert into accounts with recursive s(n) as (select 0 union all select n + 1 from s where n < 999) select a.n * 1000 + b.n + 100, concat('e', a.n * 1000 + b.n) from s a, s b where a.n < 60",
    );
    const file = await writePlan(plan);
    const result = await applyPlan(file, test.url, dir, '--format', 'json', '--duplicate-check-timeout', '1ms');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.errors[0].code).toBe('duplicate_check_timeout');
    expect(report.errors[0].message).toMatch(/did not finish within 1ms/);
    expect(await ddlMentioningIndex(test)).toEqual([]);
  });
});
