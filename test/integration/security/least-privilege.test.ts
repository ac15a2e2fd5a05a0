import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlans } from '../../support/plans.js';
import { createTestUser, type TestUser } from '../../support/roles.js';

const plans = {
  pending: `indexes:
  - name: idx_orders_status
    table: orders
    columns: [status]
    verify:
      - name: new orders
        sql: "SELECT id FROM orders WHERE status = 'new'"
`,
  inSync: `indexes:
  - name: idx_orders_customer
    table: orders
    columns: [customer]
`,
};

/** The tool's run records as text, to prove a command changed none of them. */
async function stateRows(test: TestDatabase): Promise<string> {
  const runs = await test.exec('select * from safe_index_runs order by id');
  const steps = await test.exec('select * from safe_index_steps order by run_id, ordinal');
  return JSON.stringify([runs, steps]);
}

/** `orders(id, customer, status)` with three rows, two of them `new`. */
async function createOrders(test: TestDatabase): Promise<void> {
  await test.exec(
    test.server.dialect === 'postgres'
      ? 'create table orders (id serial primary key, customer int not null, status text not null)'
      : 'create table orders (id int auto_increment primary key, customer int not null, status varchar(20) not null)',
  );
  await test.exec(`insert into orders (customer, status) values (1, 'new'), (2, 'paid'), (3, 'new')`);
}

describe.each(testServers())('read commands for a read-only login on $label', (server) => {
  let test: TestDatabase;
  let user: TestUser;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createOrders(test);
    dir = await writePlans({ 'pending.yml': plans.pending, 'in-sync.yml': plans.inSync }, 'safe-index-ro-');
    // an apply by the deploy login creates the state tables and one run
    const applied = await applyPlan(path.join(dir, 'in-sync.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    user = await createTestUser(test, 'read-only');
  });
  afterAll(async () => {
    await user?.drop();
    await test?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('plan exits 2 with a change pending and 0 in sync', async () => {
    const pending = await runCli(['plan', path.join(dir, 'pending.yml'), '--url', user.url]);
    expect(pending.stderr).toBe('');
    expect(pending.exitCode).toBe(2);
    expect(pending.stdout).toContain('idx_orders_status');
    const inSync = await runCli(['plan', path.join(dir, 'in-sync.yml'), '--url', user.url]);
    expect(inSync.exitCode, inSync.stderr).toBe(0);
  });

  it('explain times the verify queries', async () => {
    const explained = await runCli(['explain', path.join(dir, 'pending.yml'), '--url', user.url, '--format', 'json']);
    expect(explained.exitCode, explained.stderr).toBe(0);
    expect(JSON.parse(explained.stdout).verify).toHaveLength(1);
  });

  it('history lists runs, a stale running one included, and changes nothing', async () => {
    // a run whose process died: still `running`, its lock connection long gone
    await test.exec("update safe_index_runs set status = 'running', lock_connection_id = 999999, finished_at = null");
    const before = await stateRows(test);
    const listed = await runCli(['history', '--url', user.url, '--format', 'json']);
    expect(listed.exitCode, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ status: 'running' })]);
    const text = await runCli(['history', '--url', user.url]);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(await stateRows(test)).toBe(before);
    // the next run that takes the run lock marks it
    const plan = await runCli(['plan', path.join(dir, 'in-sync.yml'), '--url', user.url]);
    expect(plan.exitCode).toBe(0);
    expect(await stateRows(test)).toBe(before);
    const apply = await applyPlan(path.join(dir, 'in-sync.yml'), test.url, dir);
    expect(apply.exitCode, apply.stderr).toBe(0);
    const history = JSON.parse((await runCli(['history', '--url', user.url, '--format', 'json'])).stdout);
    expect(history.map((run: { status: string }) => run.status)).toEqual(['noop', 'interrupted']);
  });
});

describe.each(testServers())('apply and rollback for the documented deploy login on $label', (server) => {
  let test: TestDatabase;
  let deploy: TestUser;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createOrders(test);
    dir = await writePlans({ 'pending.yml': plans.pending }, 'safe-index-deploy-');
    deploy = await createTestUser(test, 'deploy', ['orders']);
  });
  afterAll(async () => {
    await deploy?.drop();
    await test?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates the state tables, applies with evidence, rolls back', async () => {
    const rollbacks = path.join(dir, 'rollbacks');
    const args = ['--url', deploy.url, '--yes', '--rollback-dir', rollbacks, '--format', 'json'];
    const applied = await runCli(['apply', path.join(dir, 'pending.yml'), ...args]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('applied');
    const undone = await runCli(['rollback', ...args]);
    expect(undone.exitCode, undone.stdout + undone.stderr).toBe(0);
    expect(JSON.parse(undone.stdout).status).toBe('rolled_back');
  });
});
