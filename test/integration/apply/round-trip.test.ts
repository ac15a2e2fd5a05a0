import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { cli, schemaDump } from './cli.js';

const plan = (pg: boolean) => `settings:
  lock_timeout: 2s
  max_retries: 2
indexes:
  - name: idx_orders_customer_status
    table: orders
    columns: [customer, status]
  - name: idx_orders_old
    table: orders
    state: absent
  - name: idx_orders_total
    table: orders
    columns: [{column: total, order: desc}]
    unique: false
${pg ? '    where: "total > 10"\n' : ''}`;

describe.each(testServers())('apply and rollback through the CLI on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'safe-index-cli-'));
    const pg = server.dialect === 'postgres';
    await test.exec(
      pg
        ? 'create table orders (id serial primary key, customer int not null, status text not null, total int not null)'
        : 'create table orders (id int auto_increment primary key, customer int not null, status varchar(20) not null, total int not null)',
    );
    await test.exec(
      `insert into orders (customer, status, total) values (1, 'new', 5), (2, 'paid', 50), (3, 'new', 500)`,
    );
    await test.exec(
      pg ? 'create index idx_orders_old on orders (status)' : 'create index idx_orders_old on orders (status)',
    );
    await test.exec(
      pg ? 'create index idx_orders_total on orders (total)' : 'create index idx_orders_total on orders (total)',
    );
    // what the server keeps beside the definitions of the dropped and replaced indexes comes back too
    await test.exec(
      pg
        ? "comment on index idx_orders_old is 'kept for the monthly report'"
        : "alter table orders drop index idx_orders_old, add index idx_orders_old (status) comment 'kept for the monthly report'",
    );
    if (pg) await test.exec('alter table orders cluster on idx_orders_total');
    await writeFile(path.join(dir, 'orders.yml'), plan(pg));
  });
  afterAll(async () => {
    await test?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('create, drop and replace: apply, plan in sync, apply is noop, rollback restores the dump byte for byte', async () => {
    // state tables are created first so the before/after dumps see the same objects
    expect((await cli(['history', '--url', test.url], dir)).code).toBe(0);
    const before = await schemaDump(test);
    const applied = await cli(['apply', 'orders.yml', '--url', test.url, '--format', 'json', '--yes'], dir);
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(Object.keys(report).sort()).toEqual([
      'changes',
      'errors',
      'replicas',
      'rollback_file',
      'run',
      'status',
      'verify',
    ]);
    expect(report.status).toBe('applied');
    expect(report.changes.map((c: { action: string }) => c.action).sort()).toEqual(['create', 'drop', 'replace']);
    if (server.dialect === 'postgres') {
      // the new definition is partial: CLUSTER cannot use it, so the mark stays behind (the rollback restores it)
      const replace = report.changes.find((c: { action: string }) => c.action === 'replace');
      expect(replace.warnings.join('\n')).toMatch(/CLUSTER cannot use the new definition/);
    }
    expect(report.rollback_file).toBe(path.join('rollbacks', `${test.name}-${report.run}.sql`));
    expect(await schemaDump(test)).not.toBe(before);

    expect((await cli(['plan', 'orders.yml', '--url', test.url], dir)).code).toBe(0);
    const again = await cli(['apply', 'orders.yml', '--url', test.url, '--format', 'json', '--yes'], dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).status).toBe('noop');

    const rolled = await cli(['rollback', '--url', test.url, '--format', 'json', '--yes'], dir);
    expect(rolled.code).toBe(0);
    expect(JSON.parse(rolled.stdout)).toMatchObject({ run: report.run, status: 'rolled_back' });
    expect(await schemaDump(test)).toBe(before);
    const record = await readFile(path.join(dir, 'rollbacks', `${test.name}-${report.run}.rolled-back.sql`), 'utf8');
    expect(record).toContain(`rollback\` of run ${report.run}`);
    expect(record).toMatch(/-- undo create /);

    const history = JSON.parse((await cli(['history', '--url', test.url, '--format', 'json'], dir)).stdout);
    expect(history[1]).toMatchObject({ id: report.run, status: 'rolled_back', changes: 3 });
    expect(Object.keys(history[0]).sort()).toEqual(['changes', 'id', 'started_at', 'status']);
    expect((await cli(['rollback', '--url', test.url], dir)).code).toBe(0);
  });
});
