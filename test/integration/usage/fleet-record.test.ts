import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createItems, scanItems, sleep } from './support.js';

const plan = `indexes:
  - name: idx_items_a
    table: items
    columns: [a]
`;

interface FleetUsageJson {
  targets: {
    name: string;
    status: string;
    error: string | null;
    result: { indexes: { index: string; verdict: string; sources: { target: string; scans: number | null }[] }[] };
  }[];
}

describe.each(testServers())('usage --targets FILE --record on two databases of $label', (server) => {
  let first: TestDatabase;
  let second: TestDatabase;
  let planFile: string;
  let fleetFile: string;
  beforeAll(async () => {
    first = await createTestDatabase(server);
    second = await createTestDatabase(server);
    // MariaDB counts reads per index only while userstat is on
    if (first.db.server.flavor === 'mariadb') await first.exec('SET GLOBAL userstat = 1');
    await createItems(first);
    await createItems(second);
    planFile = await writePlan(plan);
    fleetFile = await writePlan(
      `targets:\n  - {name: first, url: "${first.url}"}\n  - {name: second, url: "${second.url}"}\n`,
      'fleet.yml',
    );
  });
  afterAll(async () => {
    await first?.drop();
    await second?.drop();
  });

  const usage = async (): Promise<FleetUsageJson> => {
    const args = ['usage', planFile, '--targets', fleetFile, '--record', '--window', '2s', '--format', 'json'];
    const result = await runCli(args);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as FleetUsageJson;
  };
  const verdicts = (report: FleetUsageJson) =>
    Object.fromEntries(
      report.targets.map((target) => [
        target.name,
        target.result.indexes.find((entry) => entry.index === 'idx_items_a')?.verdict,
      ]),
    );
  /** The snapshots stored in one target's own database: source and rows per index. */
  const stored = async (test: TestDatabase) =>
    test.exec(
      `select source, index_name, count(*) as n from safe_index_usage where index_name = 'idx_items_a'
        group by source, index_name`,
    );

  it('records a snapshot in each target, and the next readings give each its own verdict', async () => {
    const recorded = await usage();
    expect(recorded.targets.map((target) => [target.name, target.status, target.error])).toEqual([
      ['first', 'noop', null],
      ['second', 'noop', null],
    ]);
    // each target keeps its own snapshots, under its own source, nothing of the other
    for (const [test, other] of [
      [first, second],
      [second, first],
    ] as const) {
      const rows = await stored(test);
      expect(rows).toHaveLength(1);
      expect(String(rows[0]!.source)).toContain(test.name);
      expect(String(rows[0]!.source)).not.toContain(other.name);
      expect(Number(rows[0]!.n)).toBe(1);
    }

    // only the first database is queried between two snapshots: used there, not on the second
    await scanItems(first.url, 3);
    const afterScans = await usage();
    expect(verdicts(afterScans).first).toBe('used');
    expect(verdicts(afterScans).second).not.toBe('used');
    expect(Number((await stored(first))[0]!.n)).toBe(2);
    expect(Number((await stored(second))[0]!.n)).toBe(2);

    // past the window with no query in between: both unused, read back from the stored snapshots
    await sleep(2_300);
    expect(verdicts(await usage())).toEqual({ first: 'unused', second: 'unused' });
  });
});
