import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { parseDuration } from '../../../src/plan-file/duration.js';
import { defaultSettings } from '../../../src/plan-file/types.js';
import { applyPlan } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

const plan = 'indexes:\n  - name: idx_orders_status\n    table: orders\n    columns: [status]\n';

// MySQL 8+: performance_schema.metadata_locks says who holds the table's metadata lock, so a transaction
// on another table of the same database is not named (MariaDB names every open transaction there)
describe.each(testServersOf('mysql'))('metadata-lock holders named from performance_schema on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const sessions: Session[] = [];
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-mdl-'));
    await test.exec('create table orders (id int primary key, status varchar(10)) engine=InnoDB');
    await test.exec('create table other (id int primary key) engine=InnoDB');
    await test.exec("insert into orders values (1, 'new'), (2, 'paid')");
    await test.exec('insert into other values (1)');
  });
  afterAll(async () => {
    for (const session of sessions) await session.release().catch(() => {});
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('apply gives up within its lock timeout naming the holder of the table, not a transaction on another table', async (ctx) => {
    if (test.db.server.flavor !== 'mysql') ctx.skip();
    const holder = await test.db.session();
    const bystander = await test.db.session();
    sessions.push(holder, bystander);
    await holder.query('start transaction');
    await holder.query('select count(*) from orders');
    await bystander.query('start transaction');
    await bystander.query('select count(*) from other');
    // both transactions older than the blocker report's minimum age
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const file = await writePlan(plan);
    // a lock timeout above the default (5 s): see the step's duration below
    const result = await applyPlan(
      file,
      test.url,
      dir,
      '--format',
      'json',
      '--lock-timeout',
      '8s',
      '--blockers',
      'abort',
    );
    await holder.query('rollback');
    await bystander.query('rollback');
    expect(result.exitCode, result.stderr).toBe(1);
    const message = String(JSON.parse(result.stdout).errors[0].message);
    expect(message).toContain(`pid ${holder.id}`);
    expect(message).not.toContain(`pid ${bystander.id}`);
    // it gave up on the 8 s lock timeout it was given (a run that waited for the holder would never end, as
    // the holder ends only after it): the outcome names the bound it stopped at ...
    const stated = /\(--blockers abort: (\S+), the lock timeout\)/.exec(message)?.[1];
    expect(stated).toBe('8s');
    // ... and the message and the wait read the limit separately: the step waited (its own recorded duration)
    // at least the limit the message states. With a limit above the default, a step that waited the default
    // (or any shorter bound) while stating the flag's value ends before it; load can only lengthen the step
    const [step] = await test.exec('select status, duration_ms from safe_index_steps order by run_id desc, ordinal');
    expect(step).toMatchObject({ status: 'failed' });
    expect(parseDuration(stated!)).toBeGreaterThan(defaultSettings.lockTimeoutMs);
    expect(Number(step?.duration_ms)).toBeGreaterThanOrEqual(parseDuration(stated!));
  });
});
