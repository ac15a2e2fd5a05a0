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

interface SourceJson {
  target: string;
  scans: number | null;
  unit: string;
  last_scan: string | null;
  since: string | null;
}
interface IndexJson {
  table: string;
  index: string;
  managed: boolean;
  constraint: boolean;
  verdict: string;
  redundant_to: string[];
  sources: SourceJson[];
}

describe.each(testServers())('safe-index usage on $label', (server) => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let file: string;
  const mysql = server.dialect === 'mysql';
  beforeAll(async () => {
    primary = await createTestDatabase(server);
    replica = await createTestDatabase(server);
    // MariaDB counts reads per index only while userstat is on
    if (primary.db.server.flavor === 'mariadb') await primary.exec('SET GLOBAL userstat = 1');
    await createItems(primary);
    await createItems(replica);
    file = await writePlan(plan);
  });
  afterAll(async () => {
    await primary?.drop();
    await replica?.drop();
  });

  const usage = async (...args: string[]) => {
    const result = await runCli(['usage', file, '--url', primary.url, '--format', 'json', ...args]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as { indexes: IndexJson[]; sources: { target: string; resets: string[] }[] };
  };

  it('counts queries through an index on the primary, and on a replica under that replica', async () => {
    await scanItems(primary.url, 5);
    await scanItems(replica.url, 3);
    const report = await usage('--replica', replica.url);
    const index = report.indexes.find((entry) => entry.index === 'idx_items_a')!;
    expect(index).toMatchObject({ table: 'items', managed: true, constraint: false, redundant_to: [] });
    expect(Object.keys(index).sort()).toEqual(
      ['constraint', 'index', 'managed', 'redundant_to', 'size_bytes', 'sources', 'table', 'verdict'].sort(),
    );
    const [onPrimary, onReplica] = index.sources;
    expect(onPrimary!.target).toContain(primary.name);
    expect(onReplica!.target).toContain(replica.name);
    // MariaDB counts rows read through the index (40 per query), PostgreSQL index scans (one per query)
    expect(onPrimary!.unit).toBe(mysql ? 'rows_read' : 'scans');
    expect(onPrimary!.scans).toBeGreaterThanOrEqual(mysql ? 5 * 40 : 5);
    expect(onReplica!.scans).toBeGreaterThanOrEqual(mysql ? 3 * 40 : 3);
    expect(onReplica!.scans).toBeLessThan(onPrimary!.scans!);
    expect(onPrimary!.since).not.toBeNull();
    if (server.label === 'pg18') expect(onPrimary!.last_scan).not.toBeNull();
    else expect(onPrimary!.last_scan).toBeNull();
    const pk = report.indexes.find((entry) => entry.index !== 'idx_items_a')!;
    expect(pk).toMatchObject({ constraint: true, managed: false });
  });

  it('verdicts from recorded snapshots: used with scans between them, unused without over the window, resets reported', async () => {
    await usage('--record', '--window', '2s');
    await scanItems(primary.url, 2);
    const used = await usage('--record', '--window', '2s');
    expect(used.indexes.find((entry) => entry.index === 'idx_items_a')!.verdict).toBe('used');
    await sleep(2_300);
    const unused = await usage('--record', '--window', '2s');
    expect(unused.indexes.find((entry) => entry.index === 'idx_items_a')!.verdict).toBe('unused');

    await primary.exec(
      {
        postgres: 'select pg_stat_reset()',
        mariadb: 'FLUSH INDEX_STATISTICS',
        mysql: 'TRUNCATE TABLE performance_schema.table_io_waits_summary_by_index_usage',
      }[primary.db.server.flavor],
    );
    const afterReset = await usage('--record', '--window', '2s');
    const resets = afterReset.sources[0]!.resets;
    expect(resets.length, JSON.stringify(afterReset.sources)).toBeGreaterThan(0);
    expect(resets.join('\n')).toMatch(mysql ? /counters went back/ : /statistics were reset at/);
    const text = await runCli(['usage', file, '--url', primary.url, '--window', '2s', '--record']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/idx_items_a on \S+\.items/);
  });
});
