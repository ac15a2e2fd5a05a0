import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { applyPlan } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { writePlans } from '../../support/plans.js';
import { waitForRow } from '../../support/sessions.js';

const plan = `indexes:
  - name: idx_a
    table: first_t
    columns: [a]
  - name: idx_b
    table: second_t
    columns: [b]
`;

/**
 * Step 1 adds a key to one table; step 2's ALTER on another table waits for the metadata lock of a
 * writer's open transaction, and its connection is killed from outside (a DBA's KILL). The run fails
 * with `connection_lost`, and the undo of step 1 runs on a new DDL connection, not on the dead one.
 */
describe.each(testServersOf('mysql'))('the DDL connection killed in step 2 on $label', (server) => {
  let test: TestDatabase;
  let writer: Session | undefined;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table first_t (id int primary key, a int not null) engine=InnoDB');
    await test.exec('create table second_t (id int primary key, b int not null) engine=InnoDB');
    await test.exec('insert into first_t values (1, 1), (2, 2), (3, 3)');
    await test.exec('insert into second_t values (1, 1), (2, 2), (3, 3)');
    dir = await writePlans({ 'plan.yml': plan }, 'si-undo-lost-');
  });
  afterEach(async () => {
    await writer?.release();
    writer = undefined;
    await test?.drop();
  });

  /** The connection id of the tool's ALTER once it waits for the metadata lock of `second_t`. */
  async function alterWaiting(): Promise<number> {
    const row = await waitForRow(
      test,
      `select id from information_schema.processlist where db = database()
          and state like '%metadata lock%' and info like 'ALTER TABLE%second_t%'`,
      'the ALTER of step 2 never waited',
    );
    return Number(row.id);
  }

  it('undoes step 1 on a new connection and says the connection was lost', async () => {
    writer = await test.db.session('test writer');
    await writer.query('start transaction');
    await writer.query('insert into second_t values (4, 4)');
    const applying = applyPlan(path.join(dir, 'plan.yml'), test.url, dir, '--format', 'json', '--lock-timeout', '20s');
    await test.exec(`kill ${await alterWaiting()}`);
    const result = await applying;
    await writer.query('rollback');
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('failed');
    expect(report.errors[0]).toMatchObject({ code: 'connection_lost', index: 'idx_b' });
    expect(report.errors[0].message).toMatch(/create idx_b on second_t/);
    expect(JSON.stringify(report.errors)).not.toMatch(/closed state/);
    expect(report.errors).toHaveLength(1);
    // step 1 is undone: neither key is left
    expect(await indexNames(test.db, 'first_t')).toEqual([]);
    expect(await indexNames(test.db, 'second_t')).toEqual([]);
    const steps = await test.exec('select status from safe_index_steps order by ordinal');
    expect(steps.map((step) => step.status)).toEqual(['rolled_back', 'failed']);
  });
});
