import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { whatIfEstimates } from '../../../src/evidence/what-if.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { buildPlan } from '../../../src/planner/plan.js';
import type { PlanReport, PlanStep } from '../../../src/planner/types.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { createEvents, planDir, selectiveQuery } from './support.js';

const plan = `indexes:
  - name: idx_events_user
    table: events
    columns: [user_id]
    verify:
      - name: events of one user
        sql: "${selectiveQuery}"
        expect: uses_index
`;

describe.each(testServers())('plan --what-if estimates on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  let report: PlanReport<PlanStep>;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createEvents(test);
    dir = await planDir('events.yml', plan);
    report = await buildPlan(test.db, dialectOf(test.db), await loadPlans([path.join(dir, 'events.yml')]));
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('without HypoPG in the database: no estimates and a note that says why', async () => {
    const whatIf = await whatIfEstimates(test.db, report);
    expect(whatIf.available).toBe(false);
    expect(whatIf.estimates).toEqual([]);
    const expected =
      server.dialect === 'mysql'
        ? new RegExp(`HypoPG\\) exist only for PostgreSQL, not ${test.db.server.flavor}`)
        : server.label === 'pg15'
          ? /HypoPG [\d.]+ is available on this server but not installed in database "si_\w+"; run CREATE EXTENSION hypopg/
          : /HypoPG is not installed on this PostgreSQL server/;
    expect(whatIf.notes).toEqual([expect.stringMatching(expected)]);
  });

  it('with HypoPG installed: estimated costs before/after and the planner picks the planned index', async (ctx) => {
    if (server.dialect !== 'postgres') ctx.skip(`HypoPG is a PostgreSQL extension; no what-if on ${server.label}`);
    const [available] = await test.exec("select 1 from pg_available_extensions where name = 'hypopg'");
    if (!available)
      ctx.skip(`HypoPG is not installed on the ${server.label} server (embedded PostgreSQL ships without it)`);
    // the test installs the extension itself: safe-index never creates it
    await test.exec('create extension if not exists hypopg');
    const before = await indexNames(test.db, 'events', { primary: true });
    const whatIf = await whatIfEstimates(test.db, report);
    expect(whatIf.available).toBe(true);
    expect(whatIf.notes[0]).toMatch(/ESTIMATE \(HypoPG\).*nothing was built or executed/);
    expect(whatIf.estimates).toHaveLength(1);
    const [estimate] = whatIf.estimates;
    expect(estimate).toMatchObject({ index: 'idx_events_user', usesIndexBefore: false, wouldUseIndex: true });
    expect(estimate!.costAfter).toBeLessThan(estimate!.costBefore / 10);
    expect(estimate!.accessPathsAfter.join(' ')).toContain('idx_events_user (hypothetical)');
    expect(await indexNames(test.db, 'events', { primary: true })).toEqual(before);

    const printed = await runCli(['plan', path.join(dir, 'events.yml'), '--url', test.url, '--what-if']);
    expect(printed.exitCode).toBe(2);
    expect(printed.stdout).toMatch(/ESTIMATE \(HypoPG\)/);
    expect(printed.stdout).toMatch(/idx_events_user\s+events of one user\s+[\d.]+\s+[\d.]+\s+yes/);
    const json = JSON.parse(
      (await runCli(['plan', path.join(dir, 'events.yml'), '--url', test.url, '--what-if', '--format', 'json'])).stdout,
    );
    expect(json.what_if).toMatchObject({ estimate: true, available: true, estimates: [{ would_use_index: true }] });
    expect(await indexNames(test.db, 'events', { primary: true })).toEqual(before);
  });

  it('plan --what-if prints the note where HypoPG cannot be used', async () => {
    if (server.label === 'pg15') await test.exec('drop extension if exists hypopg');
    const printed = await runCli(['plan', path.join(dir, 'events.yml'), '--url', test.url, '--what-if']);
    expect(printed.exitCode).toBe(2);
    expect(printed.stdout).toMatch(/what-if: no estimates: .*HypoPG/);
  });
});
