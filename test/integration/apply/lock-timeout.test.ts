import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

/** A lock on the table that every reader of its definition waits for. */
const holdLock = {
  postgres: ['begin', 'lock table items in access exclusive mode'],
  mysql: ['lock tables items write'],
};

/** What the server or the planner says when a statement gave up waiting for a lock. */
const lockTimedOut = /lock timeout|Lock wait timeout exceeded/i;

/**
 * How the planner names the limit it gave up at: its value and where it is set. PostgreSQL stops at the
 * catalog read of the table's definitions, MySQL/MariaDB (whose catalog reads do not wait for LOCK TABLES)
 * at the canonical build on a copy of the table; either names the table it waited for.
 */
const limitNamed = (value: string) =>
  `waited more than ${value} (the lock timeout: lock_timeout in the plan's settings; --lock-timeout on apply and rollback)`;

/** The plan allows a long wait; the command line and the plan file each shorten it. */
const plan = (lockTimeout: string) =>
  `settings:\n  lock_timeout: ${lockTimeout}\nindexes:\n  - name: idx_items_n\n    table: items\n    columns: [n]\n`;

describe.each(testServers())('planning waits no longer than the lock timeout, on $label', (server) => {
  let test: TestDatabase;
  let holder: Session;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table items (id int primary key, n int not null)');
    dir = await mkdtemp(path.join(tmpdir(), 'si-lock-timeout-'));
    holder = await test.db.session('test holder');
    for (const sql of holdLock[server.dialect]) await holder.query(sql);
  });
  afterAll(async () => {
    await holder?.release();
    await test?.drop();
  });

  it('apply --lock-timeout bounds the canonical build of the plan under a held lock', async () => {
    const file = await writePlan(plan('60s'));
    const started = Date.now();
    const run = await runCli([
      'apply',
      file,
      '--url',
      test.url,
      '--yes',
      '--lock-timeout',
      '1s',
      '--rollback-dir',
      dir,
    ]);
    const elapsed = Date.now() - started;
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stderr).toMatch(lockTimedOut);
    expect(run.stderr).toContain(limitNamed('1s'));
    expect(run.stderr).toContain('"items"');
    // the flag's 1 s, not the plan's 60 s, bounded the wait on the server: a run that waited the plan's
    // 60 s would take longer than this, however busy the machine (a relative bound, not a timing target)
    expect(elapsed).toBeLessThan(60_000);
  });

  it("plan uses the plan file's lock_timeout", async () => {
    const file = await writePlan(plan('1s'));
    const run = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(run.exitCode, run.stderr).toBe(1);
    // a lock timeout, with the code apply's steps give one, naming the table it waited for and the limit
    const [error, ...more] = JSON.parse(run.stdout).errors as { code: string; message: string }[];
    expect(more).toEqual([]);
    expect(error?.code).toBe('lock_timeout');
    expect(error?.message).toMatch(lockTimedOut);
    expect(error?.message).toContain(limitNamed('1s'));
    expect(error?.message).toContain('table "items"');
    // the file's value is what the server waits: one longer than the default (5 s) holds plan that long,
    // a lower bound that load cannot break (a plan that ignored the file would give up at the default)
    const longer = await writePlan(plan('12s'));
    const started = Date.now();
    const waited = await runCli(['plan', longer, '--url', test.url, '--format', 'json']);
    const elapsed = Date.now() - started;
    expect(waited.exitCode, waited.stderr).toBe(1);
    expect(`${waited.stdout}${waited.stderr}`).toMatch(lockTimedOut);
    expect(elapsed).toBeGreaterThanOrEqual(12_000);
  });
});
