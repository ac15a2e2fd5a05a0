import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { executeApply } from '../../../src/executor/apply.js';
import type { ApplyResult, ExecutionSettings } from '../../../src/executor/types.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { createOrders, handSteps, indexesOf } from '../executor/steps.js';

/**
 * Each test starts an apply whose build is kept waiting by a writer's open transaction (PostgreSQL:
 * the concurrent build has already put its INVALID index in the catalog; MariaDB: the ALTER waits for
 * the metadata lock), then ends one of the tool's own connections from outside, as a DBA or a
 * connection pooler might, and checks that the run ends within its bound, says why, leaves no INVALID
 * index and records what happened. Only sessions of the test's own database are touched.
 */
describe.each(testServers())("a fault of one of the tool's own connections on $label", (server) => {
  let test: TestDatabase;
  let writer: Session;
  const pg = server.dialect === 'postgres';
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
  });
  afterEach(async () => {
    await writer?.release();
    await test?.drop();
  });

  /**
   * A writer whose transaction stays open: the build waits for it (younger than a second, so no
   * pre-flight wait). On PostgreSQL the concurrent build has then already put its INVALID index in
   * the catalog.
   */
  async function openWriter(): Promise<void> {
    writer = await test.db.session('test writer');
    await writer.query(pg ? 'begin' : 'start transaction');
    await writer.query("insert into orders (customer, status, total) values (1, 'new', 1)");
  }

  /** A session holding a lock on the table that the build must wait for before it starts. */
  async function holdTableLock(): Promise<void> {
    if (!pg) return openWriter();
    writer = await test.db.session('test lock holder');
    await writer.query('begin');
    await writer.query('lock table orders in share mode');
  }

  function startApply(settings: ExecutionSettings, indexes = ['idx_orders_status']): Promise<ApplyResult> {
    const steps = handSteps(test);
    return executeApply(test.db, {
      settings: { ...settings, duplicateCheckTimeoutMs: null },
      waitMs: 0,
      rollbackDir: path.join(tmpdir(), 'si-faults'),
      prepare: async () => ({ steps: indexes.map((name) => steps.create(name, 'status')), planFiles: [] }),
    });
  }

  /**
   * The server id of the tool's connection with this role, once the DDL waits. A busy machine can take
   * many seconds to get the apply there, so the watch lasts up to a minute; it stops at once (saying how
   * the apply ended) if the apply has ended without ever waiting, which would make the test meaningless.
   */
  async function waitingConnection(role: 'ddl' | 'monitor' | 'lock', applying: Promise<ApplyResult>): Promise<number> {
    let ended: ApplyResult | undefined;
    void applying.then((result) => {
      ended = result;
    });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (ended)
        throw new Error(`the apply ended (${ended.status}) before its DDL waited: ${JSON.stringify(ended.errors)}`);
      const waiting = pg
        ? await test.exec(
            `select 1 from pg_stat_activity where datname = current_database() and application_name like 'safe-index run % ddl'
              and wait_event_type = 'Lock'`,
          )
        : await test.exec(
            "select 1 from information_schema.processlist where db = database() and state like '%metadata lock%' and info like 'ALTER TABLE%'",
          );
      if (waiting.length > 0) {
        if (pg) {
          const [row] = await test.exec(
            `select pid from pg_stat_activity where datname = current_database() and application_name like ?`,
            [`safe-index run % ${role}`],
          );
          return Number(row?.pid);
        }
        if (role === 'ddl') {
          const [row] = await test.exec(
            "select id from information_schema.processlist where db = database() and info like 'ALTER TABLE%'",
          );
          return Number(row?.id);
        }
        const [run] = await test.exec('select lock_connection_id from safe_index_runs order by id desc');
        return Number(run?.lock_connection_id);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the DDL never waited (one minute)');
  }

  async function terminate(id: number): Promise<void> {
    if (pg) {
      await test.exec(
        'select pg_terminate_backend(pid) from pg_stat_activity where pid = ? and datname = current_database()',
        [id],
      );
    } else await test.exec(`kill ${Number(id)}`);
  }

  async function lastRun() {
    const [run] = await test.exec('select id, status, error from safe_index_runs order by id desc');
    const steps = await test.exec('select status, error from safe_index_steps where run_id = ? order by ordinal', [
      Number(run?.id),
    ]);
    return { status: String(run?.status), error: String(run?.error ?? ''), steps: steps.map((s) => String(s.status)) };
  }

  const noInvalidIndex = async () => {
    expect((await indexesOf(test)).filter((index) => !index.valid || index.name.startsWith('idx_orders'))).toEqual([]);
  };

  it('the DDL connection: the run fails at once saying the connection was lost, and records it', async () => {
    await openWriter();
    // a lock timeout far beyond the test's own watch: the DDL must still be waiting when it is killed,
    // and a run that failed "at once" is told apart from one that waited out its lock timeout
    const lockTimeoutMs = 60_000;
    const applying = startApply({ lockTimeoutMs, maxRetries: 0, blockers: 'wait' });
    await terminate(await waitingConnection('ddl', applying));
    const started = Date.now();
    // the writer ends soon after, so the INVALID index the build left can be dropped within the lock timeout
    const writerEnds = new Promise((resolve) => setTimeout(resolve, 500)).then(() => writer.query('rollback'));
    const result = await applying;
    await writerEnds;
    expect(Date.now() - started).toBeLessThan(lockTimeoutMs / 2);
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.code).toBe('connection_lost');
    await noInvalidIndex();
    const run = await lastRun();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/connection was (terminated|lost|killed)/i);
  });

  it('the run-lock holder: the statement is cancelled and no further step starts', async () => {
    await holdTableLock();
    const lockTimeoutMs = 60_000;
    const applying = startApply({ lockTimeoutMs, maxRetries: 0, blockers: 'wait' }, [
      'idx_orders_status',
      'idx_orders_customer',
    ]);
    await terminate(await waitingConnection('lock', applying));
    const started = Date.now();
    const result = await applying;
    // the lock is checked every second while a statement runs: the run ends long before the statement's
    // own lock timeout would have ended it
    expect(Date.now() - started).toBeLessThan(lockTimeoutMs / 2);
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.code).toBe('run_lock_lost');
    expect(result.steps.map((s) => s.status)).toEqual(['failed', 'not_run']);
    await writer.query('rollback');
    await noInvalidIndex();
    const run = await lastRun();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/run lock/);
    expect(run.steps).toEqual(['failed', 'not_run']);
  });

  it.runIf(pg)('the monitor: a new one takes over and still ends the table-lock wait at the lock timeout', async () => {
    // with --blockers wait the monitor is what bounds a table-lock wait
    await holdTableLock();
    // long enough for the test to find and kill the monitor while the DDL still waits, on a busy machine
    const lockTimeoutMs = 15_000;
    const applying = startApply({ lockTimeoutMs, maxRetries: 0, blockers: 'wait' });
    const started = Date.now();
    const monitor = await waitingConnection('monitor', applying);
    expect(Date.now() - started, 'the monitor was found before the lock timeout').toBeLessThan(lockTimeoutMs);
    await terminate(monitor);
    const result = await applying;
    // without a monitor nothing would end the wait (the lock holder never lets go): the run would hang
    // until the test's own timeout
    expect(result.status).toBe('failed');
    expect(result.errors[0]?.code).toBe('lock_timeout');
    await writer.query('rollback');
    await noInvalidIndex();
    expect((await lastRun()).status).toBe('failed');
  });

  it.runIf(pg)('the state connections: the pool reconnects and the record stays truthful', async () => {
    await openWriter();
    const applying = startApply({ lockTimeoutMs: 60_000, maxRetries: 0, blockers: 'wait' });
    await waitingConnection('ddl', applying);
    // the pool's connections (the tool's state connection) are the ones named plain `safe-index`
    const killer = await test.db.session('test killer');
    const killed = await killer.query<{ ok: boolean }>(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
        where datname = current_database() and application_name = 'safe-index'`,
    );
    await killer.release();
    await writer.query('commit');
    const result = await applying;
    expect(killed.filter((row) => row.ok).length).toBeGreaterThanOrEqual(1);
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('applied');
    const run = await lastRun();
    expect(run).toMatchObject({ status: 'applied', steps: ['applied'] });
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_status', valid: true });
  });
});
