import { rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { median } from '../../src/evidence/measure.js';
import { createEvents, planDir } from '../integration/evidence/support.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../support/databases.js';

// Timing comparisons run in their own vitest project, after the integration suite and one file at a
// time, so that no other test's load lands on one side of the comparison only.

const scanQuery = "SELECT count(*) AS n FROM events WHERE kind = 3 AND payload LIKE '%ab%'";
const scanPlan = `settings:
  explain_runs: 5
indexes:
  - name: idx_events_user
    table: events
    columns: [user_id]
    verify:
      - name: scan of every event
        sql: "${scanQuery}"
`;

describe.each(testServers())('explain timing on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createEvents(test);
    dir = await planDir('scan.yml', scanPlan);
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the median explain prints agrees with the test timing the plain query (client wall clock), within a factor of 2', async () => {
    // Fair comparison: the same full scan (tens of ms, so the ~0.1 ms round trip is negligible), timed
    // by the tool and by the test in alternating rounds so both see the same load on the machine; the
    // median of the printed medians is compared with the median of all wall-clock runs.
    const printedMedians: number[] = [];
    const wall: number[] = [];
    const session = await test.db.session();
    try {
      await session.query(scanQuery);
      for (let round = 0; round < 5; round += 1) {
        const printed = await runCli(['explain', path.join(dir, 'scan.yml'), '--url', test.url, '--format', 'json']);
        expect(printed.exitCode).toBe(0);
        printedMedians.push(JSON.parse(printed.stdout).verify[0].measurement.median_ms as number);
        for (let i = 0; i < 5; i += 1) {
          const start = performance.now();
          await session.query(scanQuery);
          wall.push(performance.now() - start);
        }
      }
    } finally {
      await session.release();
    }
    const toolMedian = median(printedMedians);
    const independent = median(wall);
    // a factor, not a percentage: it catches a wrong unit, planning time only or a different query,
    // while a busy machine (other tests, other users) cannot fail it
    expect(toolMedian / independent).toBeGreaterThan(0.5);
    expect(toolMedian / independent).toBeLessThan(2);
  });
});
