import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, runCli } from '../../support/cli.js';
import { testServers, useTestDatabase } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { writePlan } from '../../support/plans.js';

// A run killed (kill -9) while it created or upgraded the state tables leaves knex's migration mark set
// (`safe_index_migrations_lock.is_locked = 1`): knex sets it in a transaction of its own before the
// first migration and clears it only when it ends. Left alone, it stopped every later apply with
// "Migration table is already locked". The state below is what such a kill leaves before the first
// migration: knex's two tables, the mark set, no migration recorded.

describe.each(testServers())('a migration mark left by a killed run on $label', (server) => {
  const pg = server.dialect === 'postgres';
  const database = useTestDatabase(server, async (test) => {
    await test.exec('create table orders (id int primary key, customer int not null)');
    await test.exec(
      pg
        ? 'create table safe_index_migrations (id serial primary key, name varchar(255), batch integer, migration_time timestamptz)'
        : 'create table safe_index_migrations (id int unsigned auto_increment primary key, name varchar(255), batch int, migration_time timestamp null)',
    );
    await test.exec(
      pg
        ? 'create table safe_index_migrations_lock ("index" serial primary key, is_locked integer)'
        : 'create table safe_index_migrations_lock (`index` int unsigned auto_increment primary key, is_locked int)',
    );
    await test.exec('insert into safe_index_migrations_lock (is_locked) values (1)');
  });
  let dir: string;
  let plan: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'si-stale-lock-'));
    plan = await writePlan('indexes:\n  - name: idx_orders_customer\n    table: orders\n    columns: [customer]\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(path.dirname(plan), { recursive: true, force: true });
  });

  const mark = async () =>
    Number((await database().exec('select is_locked from safe_index_migrations_lock'))[0]?.is_locked);

  it('usage --record (no run lock) refuses with state_locked and leaves the mark; apply clears it and runs', async () => {
    const test = database();
    const usage = await runCli(['usage', plan, '--url', test.url, '--record', '--format', 'json']);
    expect(usage.exitCode, usage.stdout + usage.stderr).toBe(1);
    const [problem] = JSON.parse(usage.stdout).errors;
    expect(problem.code).toBe('state_locked');
    expect(problem.message).toMatch(/safe_index_migrations_lock/);
    expect(problem.message).toMatch(/next apply or rollback/);
    expect(await mark()).toBe(1);

    const applied = await applyPlan(plan, test.url, dir, '--format', 'json');
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('applied');
    expect(await indexNames(test.db, 'orders')).toContain('idx_orders_customer');
    expect(await mark()).toBe(0);
    const migrations = await test.exec('select name from safe_index_migrations');
    expect(migrations.length).toBeGreaterThan(0);

    // and usage --record works again
    const again = await runCli(['usage', plan, '--url', test.url, '--record', '--format', 'json']);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
  });
});
