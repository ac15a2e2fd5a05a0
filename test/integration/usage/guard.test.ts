import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createItems, scanItems } from './support.js';

const dropPlan = (name: string) => `indexes:
  - name: ${name}
    table: items
    state: absent
`;

describe.each(testServers())('drops guarded by usage evidence on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  const mysql = server.dialect === 'mysql';
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-guard-'));
    if (test.db.server.flavor === 'mariadb') await test.exec('SET GLOBAL userstat = 1');
    await createItems(test);
    await test.exec('create index idx_items_b on items (b)');
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const definition = async (name: string): Promise<string | null> => {
    if (mysql) {
      const [row] = await test.exec('SHOW CREATE TABLE items');
      const line = String(row?.['Create Table'])
        .split('\n')
        .find((text) => text.includes(`\`${name}\``));
      return line?.trim() ?? null;
    }
    const [row] = await test.exec('select indexdef from pg_indexes where indexname = ?', [name]);
    return row ? String(row.indexdef) : null;
  };
  const cli = (...args: string[]) => runCli([...args, '--url', test.url, '--rollback-dir', dir]);

  it('apply refuses to drop a recently used index, naming the source; --allow-used drops it and rollback restores it exactly', async () => {
    const file = await writePlan(dropPlan('idx_items_a'));
    expect((await runCli(['usage', file, '--url', test.url, '--record'])).exitCode).toBe(0);
    await scanItems(test.url, 3);
    const before = await definition('idx_items_a');
    expect(before).not.toBeNull();

    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    const change = JSON.parse(planned.stdout).changes[0];
    expect(change).toMatchObject({ action: 'drop', usage: { verdict: 'used' } });
    expect(change.usage.scans).toBeGreaterThanOrEqual(mysql ? 3 * 40 : 3);
    expect(Object.keys(change.usage).sort()).toEqual(['last_scan', 'scans', 'verdict']);
    expect(change.warnings[0]).toMatch(/^USED within the last 7d: .*apply refuses/);

    const refused = await cli('apply', file, '--yes', '--format', 'json');
    expect(refused.exitCode).toBe(1);
    const [error] = JSON.parse(refused.stdout).errors;
    expect(error.code).toBe('index_in_use');
    expect(error.message).toContain(test.name);
    expect(error.message).toMatch(mysql ? /\d+ rows read in the window/ : /\d+ scans/);
    expect(error.message).toMatch(server.label === 'pg18' ? /last scan 20\d\d-/ : /last scan not recorded/);
    expect(await definition('idx_items_a')).toBe(before);

    const dropped = await cli('apply', file, '--yes', '--allow-used', '--format', 'json');
    expect(dropped.exitCode, dropped.stdout).toBe(0);
    expect(JSON.parse(dropped.stdout).changes[0]).toMatchObject({ action: 'drop', usage: { verdict: 'used' } });
    expect(await definition('idx_items_a')).toBeNull();
    expect((await cli('rollback', '--yes')).exitCode).toBe(0);
    expect(await definition('idx_items_a')).toBe(before);
  });

  it('unknown usage is a prominent warning, and a refusal only when evidence is required', async () => {
    const file = await writePlan(dropPlan('idx_items_b'));
    const planned = JSON.parse((await runCli(['plan', file, '--url', test.url, '--format', 'json'])).stdout);
    const change = planned.changes[0];
    // no history of this index: unknown, unless the server's counters already cover 7 days (PostgreSQL)
    const usage = JSON.parse((await runCli(['usage', file, '--url', test.url, '--format', 'json'])).stdout);
    const since = new Date(usage.sources[0].since ?? Date.now()).getTime();
    const coversWindow = !mysql && Date.now() - since > 7 * 86_400_000;
    expect(change.usage.verdict).toBe(coversWindow ? 'unused' : 'unknown');
    if (coversWindow) return;
    expect(change.warnings[0]).toMatch(/^USAGE UNKNOWN: no evidence that "idx_items_b" is unused over the last 7d/);
    const text = await runCli(['plan', file, '--url', test.url]);
    expect(text.stdout).toMatch(/! USAGE UNKNOWN/);

    const strict = await cli('apply', file, '--yes', '--require-usage-evidence', '--format', 'json');
    expect(strict.exitCode).toBe(1);
    expect(JSON.parse(strict.stdout).errors[0].code).toBe('usage_unknown');
    expect(await definition('idx_items_b')).not.toBeNull();
    const setting = await writePlan(`settings:\n  require_usage_evidence: true\n${dropPlan('idx_items_b')}`);
    expect((await cli('apply', setting, '--yes')).exitCode).toBe(1);
    const lenient = await cli('apply', file, '--yes', '--format', 'json');
    expect(lenient.exitCode).toBe(0);
    expect(JSON.parse(lenient.stdout).changes[0].warnings[0]).toMatch(/^USAGE UNKNOWN/);
    expect(await definition('idx_items_b')).toBeNull();
  });
});
