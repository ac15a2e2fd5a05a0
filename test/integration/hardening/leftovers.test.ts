import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createOrders, indexesOf } from '../executor/steps.js';

const plan = 'indexes:\n  - name: idx_orders_status\n    table: orders\n    columns: [status]\n';

describe.each(testServersOf('postgres'))('leftovers of failed operations on $label', (server) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
    await test.exec('create index idx_orders_status on orders (status)');
    await test.exec('create index idx_other on orders (customer)');
  });
  afterEach(async () => {
    await test?.drop();
  });

  /** A real REINDEX CONCURRENTLY that gives up waiting for a writer: it leaves `<name>_ccnew` INVALID. */
  async function failedReindex(name: string): Promise<void> {
    const writer = await test.db.session('test writer');
    const reindex = await test.db.session('test reindex');
    try {
      await writer.query('begin');
      await writer.query("insert into orders (customer, status, total) values (1, 'new', 1)");
      await reindex.query("set lock_timeout = '300ms'");
      await expect(reindex.query(`reindex index concurrently ${name}`)).rejects.toThrow(/lock timeout/);
      await writer.query('rollback');
    } finally {
      await writer.release();
      await reindex.release();
    }
  }

  it('a _ccnew on a managed name is reported and repaired; one on another name is only reported', async () => {
    await failedReindex('idx_orders_status');
    await failedReindex('idx_other');
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_status_ccnew', valid: false });
    const file = await writePlan(plan);
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const report = JSON.parse(planned.stdout);
    expect(report.leftovers).toEqual(
      expect.arrayContaining([
        { index: 'idx_orders_status_ccnew', table: 'orders', kind: 'ccnew', of: 'idx_orders_status', managed: true },
        { index: 'idx_other_ccnew', table: 'orders', kind: 'ccnew', of: 'idx_other', managed: false },
      ]),
    );
    const repair = report.changes.find((c: { index: string }) => c.index === 'idx_orders_status_ccnew');
    expect(repair).toMatchObject({ action: 'drop', online: true });
    expect(repair.sql[0]).toMatch(/^DROP INDEX CONCURRENTLY/);
    expect(report.changes.map((c: { index: string }) => c.index)).not.toContain('idx_other_ccnew');
    const text = await runCli(['plan', file, '--url', test.url]);
    expect(text.stdout).toMatch(/leftover: ccnew index idx_other_ccnew .*not touched/);

    const dir = await mkdtemp(path.join(tmpdir(), 'si-leftovers-'));
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const names = (await indexesOf(test)).map((index) => index.name);
    expect(names).not.toContain('idx_orders_status_ccnew');
    expect(names).toContain('idx_other_ccnew');
    expect(names).toContain('idx_orders_status');
    const again = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(again.exitCode).toBe(0);
  });
});
