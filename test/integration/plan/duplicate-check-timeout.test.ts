import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

// An ACCESS EXCLUSIVE lock on the planned table itself stops plan before the check: introspection and the
// canonical build on a scratch copy wait for it under the lock timeout and fail (lock_timeout). The key
// here is an expression whose (IMMUTABLE-declared) function reads another table: the scratch copy is
// empty, so only the duplicate-rows query, evaluating it on every row, waits for a lock on that table.
const setup = [
  'create table lookup (x int)',
  'insert into lookup values (1)',
  `create function si_key(v text) returns text language plpgsql immutable as $$
     begin perform 1 from lookup limit 1; return v; end $$`,
  'create table accounts (id int primary key, email text not null)',
  "insert into accounts select g, 'user' || (g % 10) from generate_series(1, 200) g",
];

const plan = `indexes:
  - name: uq_accounts_email
    table: accounts
    columns: [{expression: "si_key(email)"}]
    unique: true
`;

interface PlanJson {
  changes: { index: string; warnings: string[] }[];
  errors: unknown[];
}

describe.each(testServersOf('postgres'))('plan --check-duplicates on a locked table on $label', (server) => {
  let test: TestDatabase;
  let holder: Session | undefined;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    for (const sql of setup) await test.exec(sql);
  });
  afterEach(async () => {
    await holder?.query('rollback').catch(() => {});
    await holder?.release();
    holder = undefined;
    await test?.drop();
  });

  it('gives up after --duplicate-check-timeout with a "could not check" warning, and checks once the lock is gone', async () => {
    const file = await writePlan(plan);
    holder = await test.db.session('lock holder');
    await holder.query('begin');
    await holder.query('lock table lookup in access exclusive mode');

    const args = ['plan', file, '--url', test.url, '--check-duplicates', '--format', 'json'];
    const blocked = await runCli([...args, '--duplicate-check-timeout', '1s']);
    expect(blocked.exitCode, blocked.stderr).toBe(2);
    const blockedJson = JSON.parse(blocked.stdout) as PlanJson;
    expect(blockedJson.errors).toEqual([]);
    expect(blockedJson.changes[0]?.warnings).toEqual([
      expect.stringMatching(
        /^could not check for duplicate rows: the query did not finish within 1s \(--duplicate-check-timeout;/,
      ),
    ]);

    await holder.query('rollback');
    const free = await runCli(args);
    expect(free.exitCode, free.stderr).toBe(2);
    expect((JSON.parse(free.stdout) as PlanJson).changes[0]?.warnings).toEqual([
      expect.stringMatching(/^unique index over duplicate rows: \(si_key\(email\)=user\d\) × 20/),
    ]);
  });
});
