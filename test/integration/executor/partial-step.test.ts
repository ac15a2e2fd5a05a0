import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { executeApply } from '../../../src/executor/apply.js';
import type { ExecutionStep } from '../../../src/executor/types.js';
import { Index } from '../../../src/model/index-model.js';
import { findTable } from '../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { createOrders, fastSettings, indexesOf } from './steps.js';

describe.each(testServersOf('postgres'))('a multi-statement step that fails half way on $label', (server) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
    await test.exec('create index idx_orders_customer on orders (customer)');
  });
  afterEach(async () => {
    await test?.drop();
  });

  it('undoes the statements that ran: the replacement built under a temporary name is dropped', async () => {
    const dialect = dialectOf(test.db);
    const live = await dialect.introspect(test.db, [{ schema: 'public', name: 'orders' }]);
    const table = findTable(live, { schema: 'public', name: 'orders' })!;
    const old = table.indexes.find((index) => index.name === 'idx_orders_customer')!;
    const desired = new Index({ ...old, keyParts: [...old.keyParts, { column: 'status', order: 'asc' }] });
    const change = {
      action: 'replace' as const,
      reason: 'definition differs',
      table,
      index: old.name,
      desired,
      live: old,
      warnings: [],
    };
    const rendered = dialect.renderChange(change, table);
    expect(rendered.sql).toHaveLength(3);
    expect(rendered.undo?.[0]).toEqual(['DROP INDEX CONCURRENTLY IF EXISTS "public"."idx_orders_customer_si_new"']);
    // the real build, then a drop that fails for good (not a lock timeout, so no retry), then the rename
    const step: ExecutionStep = {
      ...change,
      ...rendered,
      sql: [rendered.sql[0]!, 'DROP INDEX CONCURRENTLY "public"."no_such_index"', rendered.sql[2]!],
    };
    const result = await executeApply(test.db, {
      settings: fastSettings,
      waitMs: 0,
      rollbackDir: path.join(tmpdir(), 'safe-index-partial-step'),
      prepare: async () => ({ steps: [step], planFiles: [{ path: 'hand.yml', sha256: 'x' }] }),
    });
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.message).toMatch(/statement\(s\) of this step that had run were undone/);
    expect(await indexesOf(test)).toEqual(expect.arrayContaining([{ name: 'idx_orders_customer', valid: true }]));
    expect((await indexesOf(test)).map((index) => index.name)).not.toContain('idx_orders_customer_si_new');
  });
});
