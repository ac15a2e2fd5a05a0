import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { parseDuration } from '../../../src/plan-file/duration.js';
import { defaultSettings } from '../../../src/plan-file/types.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createOrders, indexesOf } from '../executor/steps.js';

const plan = 'indexes:\n  - name: idx_orders_status\n    table: orders\n    columns: [status]\n';

/**
 * A session with an open transaction and an old snapshot: on PostgreSQL on an unrelated table (a
 * concurrent build waits for it anyway), on MariaDB on the table itself (its metadata lock).
 */
async function openOldTransaction(test: TestDatabase): Promise<Session> {
  const session = await test.db.session('test blocker');
  if (test.server.dialect === 'postgres') {
    await session.query('begin isolation level repeatable read');
    await session.query('select count(*) from unrelated');
  } else {
    await session.query('start transaction');
    await session.query('select count(*) from orders');
  }
  // blockers younger than a second are not reported (a busy database always has short transactions)
  await new Promise((resolve) => setTimeout(resolve, 1200));
  return session;
}

describe.each(testServers())('sessions a change would wait for, on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  let file: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 2000);
    await test.exec('create table unrelated (id int)');
    dir = await mkdtemp(path.join(tmpdir(), 'si-blockers-'));
    file = await writePlan(plan);
  });
  let held: Session[] = [];
  afterEach(async () => {
    // a test that failed before it ended its blocker: end it, or the drop waits for it (MySQL/MariaDB)
    for (const session of held) {
      await session.query('rollback').catch(() => {});
      await session.release().catch(() => {});
    }
    held = [];
    await test?.drop();
  });
  const hold = async () => {
    const session = await openOldTransaction(test);
    held.push(session);
    return session;
  };
  const end = async (session: Session) => {
    held = held.filter((s) => s !== session);
    await session.query('rollback');
    await session.release();
  };
  const apply = (...flags: string[]) =>
    runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir, '--format', 'json', ...flags]);

  it('plan lists the old transaction; apply --blockers abort gives up within the lock timeout naming it; later it applies', async () => {
    const blocker = await hold();
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const listed = JSON.parse(planned.stdout).blockers;
    expect(listed).toContainEqual(
      expect.objectContaining({ pid: blocker.id, user: expect.any(String), age_s: expect.any(Number) }),
    );
    const text = await runCli(['plan', file, '--url', test.url]);
    expect(text.stdout).toContain(`pid ${blocker.id} `);
    const markdown = await runCli(['plan', file, '--url', test.url, '--format', 'markdown']);
    expect(markdown.stdout).toContain(`| ${blocker.id} |`);

    // a lock timeout above the default (5 s): see the step's duration below
    const aborted = await apply('--blockers', 'abort', '--lock-timeout', '8s');
    expect(aborted.exitCode).toBe(1);
    const report = JSON.parse(aborted.stdout);
    expect(report.errors[0].code).toBe('blockers');
    expect(report.errors[0].message).toContain(`pid ${blocker.id} `);
    // it gave up on the lock timeout it was given (not --snapshot-wait's ten minutes, not the default 5 s),
    // without retrying (PostgreSQL gives up before sending the build: 0 attempts; MariaDB after its first):
    // the outcome says so, where a wall-clock bound would fail on a busy machine
    const stated = /\(--blockers abort: (\S+), the lock timeout\)/.exec(report.errors[0].message)?.[1];
    expect(stated).toBe('8s');
    const [step] = await test.exec(
      'select attempts, status, duration_ms from safe_index_steps order by run_id desc, ordinal',
    );
    expect(step).toMatchObject({ status: 'failed' });
    expect(Number(step?.attempts)).toBeLessThanOrEqual(1);
    // the message and the wait read the limit separately: the step waited (its own recorded duration) at
    // least the limit the message states. With a limit above the default, a step that waited the default
    // (or any shorter bound) while stating the flag's value ends before it; load can only lengthen the step
    expect(parseDuration(stated!)).toBeGreaterThan(defaultSettings.lockTimeoutMs);
    expect(Number(step?.duration_ms)).toBeGreaterThanOrEqual(parseDuration(stated!));
    expect(report.blockers.map((b: { pid: number }) => b.pid)).toContain(blocker.id);
    expect(await indexesOf(test)).not.toContainEqual(expect.objectContaining({ name: 'idx_orders_status' }));
    const [run] = await test.exec('select status, error from safe_index_runs order by id desc');
    expect(run?.status).toBe('failed');
    expect(String(run?.error)).toContain(`pid ${blocker.id} `);

    await end(blocker);
    const applied = await apply('--blockers', 'abort', '--lock-timeout', '1s');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await indexesOf(test)).toContainEqual({ name: 'idx_orders_status', valid: true });
  });

  it('--blockers wait --snapshot-wait 3s ends within its bound, cleanly, naming the session', async () => {
    const blocker = await hold();
    const started = Date.now();
    const waited = await apply('--blockers', 'wait', '--snapshot-wait', '3s', '--lock-timeout', '1s');
    const elapsed = Date.now() - started;
    await end(blocker);
    expect(waited.exitCode).toBe(1);
    // it waited out --snapshot-wait (load can only lengthen this) ...
    expect(elapsed).toBeGreaterThanOrEqual(3000);
    const report = JSON.parse(waited.stdout);
    expect(report.errors[0].code).toBe('blockers');
    // ... and then gave up on that bound, not the ten-minute default: a run that waited for the blocker
    // instead would never end (the blocker ends only after it) and hit the test's timeout
    expect(report.errors[0].message).toContain('(--blockers wait: 3s, --snapshot-wait)');
    expect(report.blockers.map((b: { pid: number }) => b.pid)).toContain(blocker.id);
    expect(waited.stderr).toContain(`pid ${blocker.id} `);
    expect(await indexesOf(test)).not.toContainEqual(expect.objectContaining({ name: 'idx_orders_status' }));
  });
});
