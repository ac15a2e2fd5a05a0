import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { createEvidenceHook } from '../../../src/evidence/apply-hook.js';
import { measureQueries } from '../../../src/evidence/measure.js';
import type { VerifyTarget } from '../../../src/evidence/types.js';
import type { IndexPlan } from '../../../src/plan-file/types.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { createEvents, eventRows, selectiveQuery } from './support.js';

const source = { file: 'events.yml', line: 8, column: 11 };

function eventsPlan(sql: string): IndexPlan {
  return {
    files: [],
    settings: { lockTimeoutMs: 5_000, maxRetries: 1, explainRuns: 7, maxRegression: 0.05, snapshotWaitMs: 600_000 },
    indexes: [
      {
        name: 'idx_events_user',
        table: 'events',
        columns: ['user_id'],
        unique: false,
        include: [],
        state: 'present',
        verify: [{ name: 'events of one user', sql, expect: 'uses_index', source }],
        source,
        positions: {},
      },
    ],
  };
}

describe.each(testServers())('EXPLAIN evidence on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createEvents(test);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it(`a selective query on ${eventRows} rows goes from uses_index false to true, and gets faster`, async () => {
    const pg = server.dialect === 'postgres';
    const plan = eventsPlan(selectiveQuery);
    const hook = createEvidenceHook(test.db, plan, { explainRuns: 5, maxRegression: 0.05 });
    const steps = [
      {
        action: 'create' as const,
        table: { schema: test.db.server.defaultSchema, name: 'events' },
        index: 'idx_events_user',
        sql: [],
        rollback: [],
        online: true,
      },
    ];
    await hook.before(steps);
    await test.exec(
      pg
        ? 'create index concurrently idx_events_user on events (user_id)'
        : 'alter table events add index idx_events_user (user_id), algorithm=inplace, lock=none',
    );
    const { entries, problems } = await hook.after(steps);
    expect(problems).toEqual([]);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({
      index: 'idx_events_user',
      query: selectiveQuery,
      before: { uses_index: false },
      after: { uses_index: true, indexes: ['idx_events_user'] },
    });
    // faster, not by how much: the size of the ratio depends on the machine's load (docs/BENCHMARKS.md);
    // the rows examined below show the index doing its work
    expect(entry!.speedup).toBeGreaterThan(1);
    // the speedup is the ratio of the printed medians (up to their rounding to 1 µs)
    const ratio = entry!.before.median_ms / entry!.after.median_ms;
    expect(Math.abs(ratio - entry!.speedup) / entry!.speedup).toBeLessThan(0.05);
    const [judged] = hook.judgements();
    expect(judged!.planChanged).toBe(true);
    expect(judged!.before!.rowsExamined).toBeGreaterThanOrEqual(eventRows * (pg ? 0.99 : 0.9));
    expect(judged!.after!.rowsExamined).toBe(eventRows / 20_000);
    expect(judged!.before!.runsMs).toHaveLength(5);
  });

  it('a verify query that runs too long is stopped by the statement timeout', async () => {
    // a slow join, not pg_sleep/SLEEP (verify queries may not call functions with effects, issue 16).
    // MySQL stops EXPLAIN ANALYZE at max_execution_time without an error, leaving a warning: a join
    // that reads 300000 x 43000 rows (several seconds) must still come back as a timeout
    const slow = 'SELECT count(*) FROM events a JOIN events b ON a.kind = b.kind';
    const target: VerifyTarget = {
      index: 'none',
      table: { schema: test.db.server.defaultSchema, name: 'events' },
      state: 'present',
      query: { name: 'slow', sql: slow, source },
    };
    // the timeout's error is the proof it stopped the query (no wall-clock bound: a busy machine breaks those)
    const [measured] = await measureQueries(test.db, dialectOf(test.db).explain, test.db.server.flavor, [target], {
      runs: 1,
      warmups: 0,
      statementTimeoutMs: 300,
    });
    expect(measured?.outcome).toEqual({
      ok: false,
      error: expect.stringMatching(/statement timeout|max_statement_time/),
    });
  });
});
