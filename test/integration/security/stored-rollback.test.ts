import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlans } from '../../support/plans.js';

const plan = `indexes:
  - name: idx_orders_customer
    table: orders
    columns: [customer]
`;

describe.each(testServers())('stored rollback SQL on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const pg = server.dialect === 'postgres';
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await test.exec(
      pg
        ? 'create table orders (id serial primary key, customer int not null)'
        : 'create table orders (id int auto_increment primary key, customer int not null)',
    );
    dir = await writePlans({ 'plan.yml': plan }, 'safe-index-stored-');
  });
  afterEach(async () => {
    await test?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a reverse statement edited to grant a privilege stops the rollback, running nothing', async () => {
    const applied = await applyPlan(path.join(dir, 'plan.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    // a victim login whose privileges the edited SQL would raise
    const victim = `si_victim_${randomBytes(5).toString('hex')}`;
    await test.exec(pg ? `create role "${victim}"` : `create user '${victim}'@'%'`);
    try {
      const grant = pg ? `ALTER ROLE "${victim}" SUPERUSER` : `GRANT ALL ON *.* TO '${victim}'@'%'`;
      const [step] = await test.exec('select rollback_sql from safe_index_steps where run_id = 1');
      const stored = JSON.parse(String(step?.rollback_sql)) as string[];
      for (const edited of [[grant], [`${stored[0]}; ${grant}`], [...stored, grant]]) {
        await test.exec('update safe_index_steps set rollback_sql = ? where run_id = 1', [JSON.stringify(edited)]);
        const dry = await runCli(['rollback', '--url', test.url, '--dry-run']);
        expect(dry.exitCode).toBe(1);
        const run = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir, '--format', 'json']);
        expect(run.exitCode).toBe(1);
        const [error] = JSON.parse(run.stdout).errors;
        expect(error.code).toBe('rollback_refused');
        expect(error.message).toMatch(/run 1 cannot be rolled back.*nothing was run/s);
        expect(error.message).toContain('step 1 (create idx_orders_customer on orders)');
      }
      const privileged = pg
        ? await test.exec('select 1 from pg_roles where rolname = ? and rolsuper', [victim])
        : (await test.exec(`show grants for '${victim}'@'%'`)).filter((row) =>
            /ALL PRIVILEGES/.test(String(Object.values(row)[0])),
          );
      expect(privileged).toEqual([]);
      const [run] = await test.exec('select status from safe_index_runs where id = 1');
      expect(run?.status).toBe('applied');
      const index = pg
        ? await test.exec("select 1 from pg_indexes where indexname = 'idx_orders_customer'")
        : await test.exec(
            "select 1 from information_schema.statistics where table_schema = database() and index_name = 'idx_orders_customer'",
          );
      expect(index).toHaveLength(1);
      expect((await readdir(dir)).filter((name) => name.includes('rolled-back'))).toEqual([]);
    } finally {
      await test.exec(pg ? `drop role "${victim}"` : `drop user '${victim}'@'%'`);
    }
  });

  it('the SQL a rollback runs is shown in its output', async () => {
    const applied = await applyPlan(path.join(dir, 'plan.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const undone = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(undone.stdout).toMatch(
      /rolled back\n-- undo create idx_orders_customer on orders\n(DROP INDEX|ALTER TABLE).*idx_orders_customer.*;/,
    );
    const [file] = (await readdir(dir)).filter((name) => name.endsWith('.rolled-back.sql'));
    expect(await readFile(path.join(dir, file!), 'utf8')).toContain('idx_orders_customer');
  });
});
