import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeApply } from '../../../src/executor/apply.js';
import type { ExecutionSettings } from '../../../src/executor/types.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { createOrders, handSteps, indexesOf } from './steps.js';

// CIC waits for every older transaction in the database; lock_timeout would cancel that wait too.
describe.each(testServersOf('postgres'))('old transactions during CREATE INDEX CONCURRENTLY on $label', (server) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
    await test.exec('create table unrelated (id int)');
  });
  afterEach(async () => {
    await test?.drop();
  });

  const applyWith = (settings: ExecutionSettings) =>
    executeApply(test.db, {
      settings,
      waitMs: 0,
      rollbackDir: path.join(tmpdir(), 'safe-index-blockers'),
      prepare: async () => ({ steps: [handSteps(test).create('idx_orders_status', 'status')], planFiles: [] }),
    });

  it('--blockers wait outlives a transaction longer than the lock timeout', async () => {
    const other = await test.db.session();
    await other.query('begin isolation level repeatable read');
    await other.query('select count(*) from unrelated');
    const commitLater = new Promise((resolve) => setTimeout(resolve, 2500)).then(() => other.query('commit'));
    const started = Date.now();
    const result = await applyWith({ lockTimeoutMs: 500, maxRetries: 0, blockers: 'wait' });
    await commitLater;
    await other.release();
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('applied');
    expect(result.steps[0]?.attempts).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_status', valid: true });
  });

  it('--blockers abort gives up after the lock timeout and leaves no INVALID index', async () => {
    const other = await test.db.session();
    await other.query('begin isolation level repeatable read');
    await other.query('select count(*) from unrelated');
    const result = await applyWith({ lockTimeoutMs: 500, maxRetries: 1, blockers: 'abort' });
    await other.query('rollback');
    await other.release();
    expect(result.status).toBe('failed');
    // not retried: the transaction it waited for is still there (named in the error)
    expect(result.errors[0]?.code).toBe('blockers');
    expect(result.errors[0]?.blockers?.map((b) => b.pid)).toContain(other.id);
    expect(result.steps[0]?.attempts).toBe(1);
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_orders_status');
  });
});
