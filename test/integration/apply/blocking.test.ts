import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

/** Per server: a change it cannot make online, and how to read the indexes it touches. */
const cases = {
  postgres: {
    setup: [
      'create table events (id int not null, k int not null) partition by range (id)',
      'create table events_1 partition of events for values from (0) to (1000)',
      'create table events_2 partition of events for values from (1000) to (2000)',
      'insert into events select g, g % 10 from generate_series(0, 1999) g',
      'create index idx_events_k on events (k)',
    ],
    // DROP INDEX CONCURRENTLY is not possible on a partitioned index
    plan: 'indexes:\n  - name: idx_events_k\n    table: events\n    state: absent\n',
    indexes: "select indexname as name from pg_indexes where tablename like 'events%' order by 1",
    reason: /partitioned index/,
  },
  mysql: {
    setup: [
      'create table docs (id int primary key, body text) engine=InnoDB',
      "insert into docs values (1, 'online index changes'), (2, 'blocking builds')",
    ],
    // FULLTEXT cannot be added with LOCK=NONE
    plan: 'indexes:\n  - name: ft_body\n    table: docs\n    columns: [body]\n    using: fulltext\n',
    indexes:
      "select distinct index_name as name from information_schema.statistics where table_schema = database() and table_name = 'docs' order by 1",
    reason: /FULLTEXT/i,
  },
};

describe.each(testServers())('a change the server cannot make online, on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const given = cases[server.dialect];
  const indexes = async () => (await test.exec(given.indexes)).map((row) => String(row.name ?? row.NAME));
  beforeAll(async () => {
    test = await createTestDatabase(server);
    for (const sql of given.setup) await test.exec(sql);
    dir = await mkdtemp(path.join(tmpdir(), 'si-blocking-'));
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('plan says so, apply refuses it, --allow-blocking runs it, rollback undoes it', async () => {
    const file = await writePlan(given.plan);
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode).toBe(2);
    const [change] = JSON.parse(planned.stdout).changes;
    expect(change.online).toBe(false);
    expect(change.online_reason).toMatch(given.reason);
    expect(change.warnings).toContainEqual(expect.stringMatching(/^not online: /));

    const before = await indexes();
    const refused = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/cannot run online.*--allow-blocking/s);
    expect(await indexes()).toEqual(before);

    const allowed = await runCli([
      'apply',
      file,
      '--url',
      test.url,
      '--yes',
      '--allow-blocking',
      '--rollback-dir',
      dir,
    ]);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(await indexes()).not.toEqual(before);
    expect((await runCli(['plan', file, '--url', test.url])).exitCode).toBe(0);

    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect(await indexes()).toEqual(before);
  });
});
