import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { type TestDatabase, testServersOf, useTestDatabase } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createItems, itemsQuery } from './support.js';

const plan = `indexes:
  - name: idx_items_a
    table: items
    state: absent
    verify:
      - name: items with a = 17
        sql: "${itemsQuery}"
`;

/** What every estimate of the drop says: the verify query used the index and would not without it. */
const dropEstimate = { action: 'drop', index: 'idx_items_a', uses_index_before: true, would_use_index: false };

/** `plan --what-if --format json` of the drop: exit 2 (a change pending), and the document's `what_if`. */
async function planWhatIf(test: TestDatabase) {
  const file = await writePlan(plan);
  const result = await runCli(['plan', file, '--url', test.url, '--what-if', '--format', 'json']);
  expect(result.exitCode).toBe(2);
  return { file, whatIf: JSON.parse(result.stdout).what_if };
}

describe.each(testServersOf('postgres'))('plan --what-if for a drop on $label', (server) => {
  const database = useTestDatabase(server, createItems);

  it("shows the verify query's estimated plan without the index: a Seq Scan where the index was used", async (ctx) => {
    const test = database();
    const [row] = await test.exec("select default_version from pg_available_extensions where name = 'hypopg'");
    if (!row) ctx.skip(`HypoPG is not installed on the ${server.label} server (embedded PostgreSQL ships without it)`);
    const [major = 0, minor = 0] = String(row!.default_version).split('.').map(Number);
    // the test installs the extension itself: safe-index never creates it
    await test.exec('create extension if not exists hypopg');
    const { file, whatIf } = await planWhatIf(test);
    if (major === 1 && minor < 4) {
      expect(whatIf.notes.join('\n')).toMatch(/drops and disables not estimated: HypoPG 1\.\d\.\d cannot hide/);
      return;
    }
    const [estimate] = whatIf.estimates;
    expect(estimate).toMatchObject(dropEstimate);
    expect(estimate.access_paths_before.join(' ')).toMatch(/using idx_items_a/);
    expect(estimate.access_paths_after.join(' ')).toMatch(/Seq Scan on items/);
    expect(estimate.cost_after).toBeGreaterThan(estimate.cost_before);
    const text = await runCli(['plan', file, '--url', test.url, '--what-if']);
    expect(text.stdout).toMatch(/drop idx_items_a\s+items with a = 17\s+[\d.]+\s+[\d.]+\s+Seq Scan on items/);
    // nothing was changed: the index is there and visible to a new session
    const [plain] = await test.exec(`EXPLAIN (FORMAT JSON) ${itemsQuery}`);
    expect(JSON.stringify(plain)).toContain('idx_items_a');
  });
});

describe.each(testServersOf('mysql'))('plan --what-if for a drop on $label', (server) => {
  const database = useTestDatabase(server, createItems);

  it('MySQL: EXPLAIN with a NO_INDEX hint shows the plan without the index; MariaDB: says it cannot', async () => {
    const test = database();
    const { whatIf } = await planWhatIf(test);
    if (test.db.server.flavor === 'mariadb') {
      expect(whatIf.notes.join('\n')).toMatch(/drops and disables not estimated: mariadb [\d.]+ has no NO_INDEX/);
      expect(whatIf.estimates).toEqual([]);
      return;
    }
    const [estimate] = whatIf.estimates;
    expect(estimate).toMatchObject(dropEstimate);
    expect(estimate.access_paths_before.join(' ')).toMatch(/idx_items_a/);
    expect(estimate.access_paths_after.join(' ')).not.toMatch(/idx_items_a/);
    // nothing was changed: a plain EXPLAIN still reads the index
    const [plain] = await test.exec(`EXPLAIN FORMAT=JSON ${itemsQuery}`);
    expect(JSON.stringify(plain)).toContain('idx_items_a');
  });
});
