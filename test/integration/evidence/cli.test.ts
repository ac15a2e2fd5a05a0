import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { createEvents, planDir, selectiveQuery } from './support.js';

const goodPlan = `settings:
  explain_runs: 5
indexes:
  - name: idx_events_user
    table: events
    columns: [user_id]
    purpose: events of one user
    verify:
      - name: events of one user
        sql: "${selectiveQuery}"
        expect: uses_index
`;

// an index on an unrelated column: the selective query on user_id can never use it
const unrelatedPlan = `settings:
  explain_runs: 3
indexes:
  - name: idx_events_kind
    table: events
    columns: [kind]
    verify:
      - name: events of one user
        sql: "${selectiveQuery}"
        expect: uses_index
`;

async function indexDefinitions(test: TestDatabase): Promise<string[]> {
  const rows = await test.exec(
    test.server.dialect === 'postgres'
      ? "select indexdef as d from pg_indexes where tablename = 'events' order by indexname"
      : `select concat(index_name, ':', group_concat(column_name order by seq_in_index)) as d
           from information_schema.statistics where table_schema = database() and table_name = 'events'
          group by index_name order by index_name`,
  );
  return rows.map((row) => String(row.d));
}

describe.each(testServers())('explain and apply evidence through the CLI on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const rollbackDir = () => path.join(dir, 'rollbacks');
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createEvents(test);
    dir = await planDir('events.yml', goodPlan);
    await import('node:fs/promises').then((fs) =>
      Promise.all([fs.writeFile(path.join(dir, 'unrelated.yml'), unrelatedPlan)]),
    );
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan refuses a verify query that writes, at its file:line:col', async () => {
    const writing = goodPlan.replace(selectiveQuery, 'DELETE FROM events WHERE user_id = 4242');
    const writingDir = await planDir('writing.yml', writing);
    try {
      const planned = await runCli(['plan', path.join(writingDir, 'writing.yml'), '--url', test.url]);
      expect(planned.exitCode).toBe(1);
      expect(planned.stdout + planned.stderr).toMatch(
        /writing\.yml:10:14: verify query "events of one user" of index "idx_events_user" is refused: .*not (Delete|DELETE)/,
      );
      const explained = await runCli(['explain', path.join(writingDir, 'writing.yml'), '--url', test.url]);
      expect(explained.exitCode).toBe(1);
      expect(explained.stderr).toMatch(/writing\.yml:10:14: .*refused/);
    } finally {
      await rm(writingDir, { recursive: true, force: true });
    }
  });

  it('explain before the index: expect not met, exit 1, JSON and markdown', async () => {
    const json = await runCli(['explain', path.join(dir, 'events.yml'), '--url', test.url, '--format', 'json']);
    expect(json.exitCode).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.passed).toBe(false);
    expect(document.verify).toHaveLength(1);
    expect(document.verify[0]).toMatchObject({
      index: 'idx_events_user',
      uses_index: false,
      passed: false,
      failures: [{ kind: 'expect_unmet' }],
      measurement: { uses_index: false, indexes: [], rows_examined: expect.any(Number) },
    });
    expect(document.verify[0].measurement.runs_ms).toHaveLength(5);
    const markdown = await runCli(['explain', path.join(dir, 'events.yml'), '--url', test.url, '--format', 'markdown']);
    expect(markdown.exitCode).toBe(1);
    expect(markdown.stdout).toContain('| `idx_events_user` | events of one user |');
    expect(markdown.stdout).toContain('**failed** (expect_unmet)');
  });

  it('an expect: uses_index that cannot hold fails the apply, which undoes itself', async () => {
    const before = await indexDefinitions(test);
    const args = ['apply', path.join(dir, 'unrelated.yml'), '--url', test.url, '--format', 'json', '--yes'];
    const applied = await runCli([...args, '--rollback-dir', rollbackDir()]);
    expect(applied.exitCode).toBe(1);
    const report = JSON.parse(applied.stdout);
    expect(report.status).toBe('failed');
    expect(report.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'verify_expect_unmet', index: 'idx_events_kind' })]),
    );
    expect(report.verify[0]).toMatchObject({ index: 'idx_events_kind', after: { uses_index: false } });
    expect(await indexDefinitions(test)).toEqual(before);
    const saved = JSON.parse(
      await readFile(path.join(rollbackDir(), `${test.name}-${report.run}.report.json`), 'utf8'),
    );
    expect(saved.verify[0].passed).toBe(false);
    expect(saved.verify[0].failures).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'expect_unmet' })]),
    );
  });

  it('--no-rollback-on-failure keeps what the failed run built', async () => {
    const args = ['apply', path.join(dir, 'unrelated.yml'), '--url', test.url, '--format', 'json', '--yes'];
    const applied = await runCli([...args, '--rollback-dir', rollbackDir(), '--no-rollback-on-failure']);
    expect(applied.exitCode).toBe(1);
    expect(JSON.parse(applied.stdout).status).toBe('failed');
    expect((await indexDefinitions(test)).join('\n')).toContain('idx_events_kind');
    await test.exec(
      server.dialect === 'postgres' ? 'drop index idx_events_kind' : 'drop index idx_events_kind on events',
    );
  });

  it('apply: the selective query goes from no index to the new one and gets faster, reports beside the rollback', async () => {
    const args = ['apply', path.join(dir, 'events.yml'), '--url', test.url, '--format', 'json', '--yes'];
    const applied = await runCli([...args, '--rollback-dir', rollbackDir()]);
    expect(applied.stderr).not.toMatch(/error/i);
    expect(applied.exitCode).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(report.status).toBe('applied');
    const [entry] = report.verify;
    expect(entry).toMatchObject({
      index: 'idx_events_user',
      query: selectiveQuery,
      before: { uses_index: false },
      after: { uses_index: true },
    });
    expect(entry.speedup).toBeGreaterThan(1); // faster; how much depends on the machine's load
    const base = path.join(rollbackDir(), `${test.name}-${report.run}`);
    expect(existsSync(`${base}.sql`)).toBe(true);
    const saved = JSON.parse(await readFile(`${base}.report.json`, 'utf8'));
    expect(saved).toMatchObject({ run: report.run, verify: [{ index: 'idx_events_user', passed: true }] });
    expect(await readFile(`${base}.report.md`, 'utf8')).toMatch(
      /\| `idx_events_user` \| events of one user \|.*no → yes/,
    );

    const now = await runCli(['explain', path.join(dir, 'events.yml'), '--url', test.url]);
    expect(now.exitCode).toBe(0);
    expect(now.stdout).toMatch(/idx_events_user\s+events of one user\s+[\d.]+ ms.*yes/);
  });

  it('apply prints the evidence table in text and markdown', async () => {
    const undo = async () => {
      const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', rollbackDir()]);
      expect(rolled.exitCode).toBe(0);
    };
    await undo(); // the previous test applied idx_events_user
    const base = ['apply', path.join(dir, 'events.yml'), '--url', test.url, '--yes', '--rollback-dir', rollbackDir()];
    const markdown = await runCli([...base, '--format', 'markdown']);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toMatch(/^## safe-index apply: run \d+ applied/);
    expect(markdown.stdout).toMatch(/\| create \| `idx_events_user` \| `events` \| applied in \d+ ms \|/);
    expect(markdown.stdout).toMatch(/\| `idx_events_user` \| events of one user \|.*no → yes/);
    await undo();
    const text = await runCli(base);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/run \d+: applied/);
    expect(text.stdout).toMatch(/idx_events_user\s+events of one user\s+[\d.]+ ms\s+[\d.]+ ms\s+\d+x\s+no -> yes/);
  });
});
