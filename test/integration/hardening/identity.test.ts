import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../support/cli.js';
import { testServersOf, useTestDatabase } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createOrders } from '../executor/steps.js';

/** A connection of the test itself, named so it is never mistaken for one of the tool's. */
async function testClient(url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: name });
  await client.connect();
  return client;
}

describe.each(testServersOf('postgres'))('every connection of a running apply names itself on $label', (server) => {
  const database = useTestDatabase(server, (test) => createOrders(test, 2000), { each: true });

  it('pg_stat_activity shows safe-index, with the run and role, for each of them', async () => {
    const test = database();
    const blocker = await testClient(test.url, 'test blocker');
    const observer = await testClient(test.url, 'test observer');
    // a table lock the build must wait for keeps the apply running while we look
    await blocker.query('begin');
    await blocker.query('lock table orders in share mode');
    const file = await writePlan('indexes:\n  - name: idx_orders_status\n    table: orders\n    columns: [status]\n');
    const dir = await mkdtemp(path.join(tmpdir(), 'si-identity-'));
    const applying = applyPlan(file, test.url, dir, '--lock-timeout', '20s');
    const seen = new Set<string>();
    let finished = false;
    void applying.finally(() => {
      finished = true;
    });
    const roles = ['lock', 'ddl', 'monitor'];
    const all = () => roles.every((role) => [...seen].some((name) => name.endsWith(` ${role}`)));
    // the apply needs a while to start on a busy machine: watch until every role has shown itself (it
    // keeps waiting for the lock until we release it), or the apply has ended, or a minute has gone
    // (then a further second, so a connection opened later, unnamed, would be seen too)
    const deadline = Date.now() + 60_000;
    let after = 10;
    while (!finished && after > 0 && Date.now() < deadline) {
      if (all()) after -= 1;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await observer.query<{ application_name: string }>(
        `select application_name from pg_stat_activity
          where datname = current_database() and backend_type = 'client backend'
            and application_name not in ('test blocker', 'test observer')`,
      );
      for (const row of rows) seen.add(row.application_name);
    }
    await blocker.query('rollback');
    const result = await applying;
    await blocker.end();
    await observer.end();
    expect(result.exitCode, result.stderr).toBe(0);
    const names = [...seen];
    expect(
      names.every((name) => name.startsWith('safe-index')),
      names.join(', '),
    ).toBe(true);
    for (const role of roles) {
      expect(names).toContainEqual(expect.stringMatching(new RegExp(`^safe-index run \\d+ ${role}$`)));
    }
  });
});
