import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { executeApply } from '../../../src/executor/apply.js';
import { readHistory } from '../../../src/executor/history.js';
import { executeRollback } from '../../../src/executor/rollback.js';
import { acquireRunLock } from '../../../src/executor/run-lock.js';
import type { ExecutionStep } from '../../../src/executor/types.js';
import { getRun, runSteps } from '../../../src/state/runs.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { startProbe } from './probe.js';
import { createOrders, fastSettings, handSteps, indexesOf } from './steps.js';

const rollbackDir = path.join(tmpdir(), 'safe-index-engine-rollbacks');

describe.each(testServers())('apply engine on $label', (server) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
  });
  afterEach(async () => {
    await test?.drop();
  });

  const apply = (steps: ExecutionStep[], extra: Partial<Parameters<typeof executeApply>[1]> = {}) =>
    executeApply(test.db, {
      settings: fastSettings,
      waitMs: 0,
      rollbackDir,
      prepare: async () => ({ steps, planFiles: [{ path: 'hand.yml', sha256: 'x' }] }),
      ...extra,
    });

  it('applies, records, writes the rollback script, then rolls back', async () => {
    const { create } = handSteps(test);
    const result = await apply([create('idx_orders_customer', 'customer')]);
    expect(result.status).toBe('applied');
    expect(result.errors).toEqual([]);
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_customer', valid: true });
    const script = await readFile(result.rollbackFile!, 'utf8');
    expect(script).toContain(`-- run: ${result.runId}`);
    expect(script).toContain('idx_orders_customer');
    expect(result.rollbackFile).toBe(path.join(rollbackDir, `${test.name}-${result.runId}.sql`));
    const [step] = await runSteps(test.db, result.runId);
    expect(step).toMatchObject({ status: 'applied', statementsDone: 1, index: 'idx_orders_customer' });

    const noop = await apply([]);
    expect(noop.status).toBe('noop');

    const dry = await executeRollback(test.db, { dryRun: true, settings: fastSettings, waitMs: 0 });
    expect(dry).toMatchObject({ runId: result.runId, status: 'dry_run' });
    expect(dry.steps[0]?.sql.join()).toContain('idx_orders_customer');
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_customer', valid: true });

    const undone = await executeRollback(test.db, { settings: fastSettings, waitMs: 0 });
    expect(undone).toMatchObject({ runId: result.runId, status: 'rolled_back' });
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_orders_customer');
    expect(await executeRollback(test.db, { settings: fastSettings, waitMs: 0 })).toMatchObject({
      status: 'nothing_to_undo',
    });
    const history = await readHistory(test.db);
    expect(history.map((h) => [h.run.id, h.run.status, h.changes])).toEqual([
      [noop.runId, 'noop', 0],
      [result.runId, 'rolled_back', 1],
    ]);
    await rm(result.rollbackFile!, { force: true });
  });

  it('fails a unique build over duplicates naming a duplicate key and leaves no index', async () => {
    const { create } = handSteps(test);
    const result = await apply([create('idx_orders_customer_unique', 'customer', true)]);
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.code).toBe('duplicate_key');
    expect(result.errors[0]?.message).toMatch(/duplicate/i);
    // the message names the duplicated value: customer values repeat every 500 rows
    expect(result.errors[0]?.message).toMatch(/\(customer\)=\(\d+\)|Duplicate entry '\d+'/);
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_orders_customer_unique');
    expect((await indexesOf(test)).filter((i) => !i.valid)).toEqual([]);
  });

  it('undoes earlier steps of a failed run, or keeps them for rollback with --no-rollback-on-failure', async () => {
    const { create } = handSteps(test);
    const steps = [create('idx_a', 'status'), create('idx_b', 'customer', true)];
    const undone = await apply(steps);
    expect(undone.status).toBe('failed');
    expect(undone.steps.map((s) => s.status)).toEqual(['rolled_back', 'failed']);
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_a');

    const kept = await apply(steps, { rollbackOnFailure: false });
    expect(kept.steps.map((s) => s.status)).toEqual(['applied', 'failed']);
    expect((await indexesOf(test)).map((i) => i.name)).toContain('idx_a');
    expect(await readFile(kept.rollbackFile!, 'utf8')).toContain('idx_a');
    const rollback = await executeRollback(test.db, { settings: fastSettings, waitMs: 0 });
    expect(rollback).toMatchObject({ runId: kept.runId, status: 'rolled_back' });
    expect(rollback.steps.map((s) => s.index)).toEqual(['idx_a']);
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_a');
  });

  it('gives up on a conflicting lock after its retries, leaves no INVALID index, never queues others', async () => {
    const { create } = handSteps(test);
    const holder = await test.db.session();
    const pg = server.dialect === 'postgres';
    await holder.query(pg ? 'begin' : 'start transaction');
    // PG: what another CIC or VACUUM holds; MariaDB: an open transaction that read the table (MDL)
    await holder.query(pg ? 'lock table orders in share update exclusive mode' : 'select count(*) from orders');
    const probe = await startProbe(test.db);
    const started = Date.now();
    const result = await apply([create('idx_orders_status', 'status')]);
    const elapsed = Date.now() - started;
    const load = await probe.stop();
    await holder.query('rollback');
    await holder.release();
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.code).toBe('lock_timeout');
    expect(result.errors[0]?.message).toMatch(/gave up after 3 attempts, each waiting up to 1s for a lock/);
    expect(result.steps[0]?.attempts).toBe(3);
    expect(elapsed).toBeGreaterThanOrEqual(3 * fastSettings.lockTimeoutMs);
    expect((await indexesOf(test)).map((i) => i.name)).not.toContain('idx_orders_status');
    expect(load.errors).toEqual([]);
    expect(load.statements).toBeGreaterThan(10);
    // a writer waits at most for one attempt (MariaDB queues it behind the ALTER's pending metadata lock
    // until that attempt times out), never across the retries: measured against the run it sat beside,
    // which spans three attempts and two back-offs, so load stretches both sides alike
    expect(load.maxMs).toBeLessThan(elapsed / 2);
  });

  it('rolls back with the lock timeout and retries the run was applied with', async () => {
    const { create } = handSteps(test);
    const result = await apply([create('idx_orders_total', 'total')]);
    expect(result.status).toBe('applied');
    expect(await getRun(test.db, result.runId)).toMatchObject({
      lockTimeoutMs: fastSettings.lockTimeoutMs,
      maxRetries: fastSettings.maxRetries,
    });
    const holder = await test.db.session();
    const pg = server.dialect === 'postgres';
    await holder.query(pg ? 'begin' : 'start transaction');
    await holder.query(pg ? 'lock table orders in share update exclusive mode' : 'select count(*) from orders');
    // no lock timeout given: the default would make 6 attempts of 5 s each; the run's 1 s × 3 attempts is used,
    // as the outcome says
    const undone = await executeRollback(test.db, { settings: { blockers: 'wait' }, waitMs: 0 });
    await holder.query('rollback');
    await holder.release();
    expect(undone.status).toBe('failed');
    expect(undone.errors[0]?.message).toMatch(/gave up after 3 attempts, each waiting up to 1s for a lock/);
    expect(await executeRollback(test.db, { settings: { blockers: 'wait' }, waitMs: 0 })).toMatchObject({
      status: 'rolled_back',
    });
  });

  it('lets one run at a time hold the run lock and names the holder', async () => {
    const executor = dialectOf(test.db).executor;
    const lock = await acquireRunLock(test.db, executor, 0);
    const { create } = handSteps(test);
    const blocked = await apply([create('idx_x', 'status')], { waitMs: 400 }).catch((error: Error) => error);
    expect(blocked).toBeInstanceOf(Error);
    expect((blocked as Error).message).toMatch(new RegExp(`connection ${lock.connectionId}`));
    expect((blocked as Error).message).toMatch(/--wait/);
    await lock.release();

    // two applies at once: each plans under the lock, so exactly one builds
    const planned = async (): Promise<ExecutionStep[]> =>
      (await indexesOf(test)).some((i) => i.name === 'idx_once') ? [] : [create('idx_once', 'status')];
    const both = await Promise.all(
      [0, 1].map(() =>
        executeApply(test.db, {
          settings: fastSettings,
          waitMs: 30_000,
          rollbackDir,
          prepare: async () => ({ steps: await planned(), planFiles: [] }),
        }),
      ),
    );
    expect(both.map((r) => r.status).sort()).toEqual(['applied', 'noop']);
  });
});
