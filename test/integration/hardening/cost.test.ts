import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../support/cli.js';
import { testServers, useTestDatabase } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createOrders } from '../executor/steps.js';

describe.each(testServers())('what a build cost, on $label', (server) => {
  const database = useTestDatabase(server, (test) => createOrders(test, 20_000), { each: true });

  it('the apply report carries the index size and, on PostgreSQL, the WAL the build wrote', async () => {
    const test = database();
    const file = await writePlan(
      'indexes:\n  - name: idx_orders_customer\n    table: orders\n    columns: [customer, status]\n',
    );
    const dir = await mkdtemp(path.join(tmpdir(), 'si-cost-'));
    const result = await applyPlan(file, test.url, dir, '--format', 'json');
    expect(result.exitCode, result.stderr).toBe(0);
    const [change] = JSON.parse(result.stdout).changes;
    // 20,000 keys take more than a few pages, far less than the table's size times ten
    expect(change.index_bytes).toBeGreaterThan(8192);
    expect(change.index_bytes).toBeLessThan(20_000_000);
    if (server.dialect === 'postgres') expect(change.wal_bytes).toBeGreaterThan(8192);
    else expect(change.wal_bytes).toBeUndefined();
  });
});
