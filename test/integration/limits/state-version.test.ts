import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { writePlan } from '../../support/plans.js';

const created = `indexes:
  - name: idx_a
    table: t
    columns: [a]
`;
const pending = `${created}  - name: idx_b
    table: t
    columns: [b]
`;

describe.each(testServers())('state tables migrated by a newer safe-index on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const future = '20991231000000_safe_index_from_the_future.js';
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int, b int)');
    const file = await writePlan(created);
    dir = `${file}.rb`;
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    // what a newer release would leave: a migration this build does not carry, and a new column
    await test.exec(
      "insert into safe_index_migrations (name, batch, migration_time) values (?, 99, '2030-01-01 00:00:00')",
      [future],
    );
    await test.exec('alter table safe_index_runs add column future_note varchar(40)');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('apply refuses before any DDL, naming the unknown migration and saying to upgrade', async () => {
    const file = await writePlan(pending);
    const result = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout);
    const error = document.errors[0];
    expect(error.code, JSON.stringify(document)).toBe('state_newer');
    expect(error.message).toContain(future);
    expect(error.message).toContain('Upgrade safe-index');
    expect(error.message).not.toContain('corrupt');
    expect(await indexNames(test.db, 't')).not.toContain('idx_b');
    const runs = await test.exec('select count(*) as n from safe_index_runs');
    expect(Number(runs[0]?.n)).toBe(1);
  });

  it('rollback refuses the same way and leaves the index', async () => {
    const result = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).errors[0].code).toBe('state_newer');
    expect(await indexNames(test.db, 't')).toContain('idx_a');
  });

  it('history, plan and rollback --dry-run still read the newer tables', async () => {
    const history = await runCli(['history', '--url', test.url, '--format', 'json']);
    expect(history.exitCode, history.stdout + history.stderr).toBe(0);
    const runs = JSON.parse(history.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: 1, status: 'applied', changes: 1 });
    const planned = await runCli(['plan', await writePlan(pending), '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stdout + planned.stderr).toBe(2);
    const dry = await runCli(['rollback', '--dry-run', '--url', test.url, '--format', 'json']);
    expect(dry.exitCode, dry.stdout + dry.stderr).toBe(0);
  });

  it('a read that the newer shape breaks says the tables are newer instead of a raw SQL error', async () => {
    await test.exec('create table safe_index_steps_keep as select * from safe_index_steps');
    await test.exec('drop table safe_index_steps');
    await test.exec('create view safe_index_steps as select id from safe_index_steps_keep');
    try {
      const history = await runCli(['history', '--url', test.url, '--format', 'json']);
      expect(history.exitCode).toBe(1);
      const error = JSON.parse(history.stdout).errors[0];
      expect(error.code).toBe('state_newer');
      expect(error.message).toContain(future);
    } finally {
      await test.exec('drop view safe_index_steps');
      await test.exec('create table safe_index_steps as select * from safe_index_steps_keep');
      await test.exec('drop table safe_index_steps_keep');
    }
  });
});
