import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMysqlExplainJson } from '../../../src/dialects/mysql/explain-parse.js';
import { flavorFeatures } from '../../../src/dialects/mysql/flavor.js';
import { applyPlan, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { showCreateTable } from '../dialects/mysql/show-create.js';
import { createItems, itemsQuery } from './support.js';

const plan = (state: string, maxRegression = 1000) => `settings:
  lock_timeout: 2s
  max_regression: ${maxRegression}
indexes:
  - name: idx_items_a
    table: items
    columns: [a]
    state: ${state}
    verify:
      - name: items with a = 17
        sql: "${itemsQuery}"
`;

describe.each(testServers())('state: disabled on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-disable-'));
    await createItems(test);
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** YES while the index is hidden: MariaDB STATISTICS.IGNORED, MySQL the opposite of IS_VISIBLE. */
  const ignored = async () => {
    const hidden = test.db.server.flavor === 'mysql' ? "if(is_visible = 'YES', 'NO', 'YES')" : 'ignored';
    const [row] = await test.exec(
      `select ${hidden} as hidden from information_schema.statistics where table_schema = database() and table_name = 'items' and index_name = 'idx_items_a'`,
    );
    return String(row?.hidden);
  };
  // FORMAT=JSON: MySQL 9's plain EXPLAIN prints a tree (explain_format=TREE)
  const explainKey = async () => {
    const [row] = await test.exec(`EXPLAIN FORMAT=JSON ${itemsQuery}`);
    return parseMysqlExplainJson(Object.values(row ?? {})[0]).indexes[0] ?? null;
  };

  it.runIf(server.dialect === 'mysql')(
    'apply makes the index IGNORED, the plan stops using it; rollback and state: present make it visible',
    async () => {
      expect(await explainKey()).toBe('idx_items_a');
      const file = await writePlan(plan('disabled'));
      const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
      expect(planned.exitCode).toBe(2);
      const change = JSON.parse(planned.stdout).changes[0];
      expect(change).toMatchObject({ action: 'disable', online: true, reversible: true });
      const table = `\`${test.name}\`.\`items\``;
      const { hide, show, algorithm } = flavorFeatures(test.db.server).indexVisibility!;
      expect(change.sql).toEqual([
        `ALTER TABLE ${table} ALTER INDEX \`idx_items_a\` ${hide}, ALGORITHM=${algorithm}, LOCK=NONE`,
      ]);
      expect(change.rollback).toEqual([
        `ALTER TABLE ${table} ALTER INDEX \`idx_items_a\` ${show}, ALGORITHM=${algorithm}, LOCK=NONE`,
      ]);

      const rollbackDir = path.join(dir, 'rollbacks');
      // the regression gate guards a disable like any change: the verify query got slower, so it is undone
      const guarded = await writePlan(plan('disabled', 0.05));
      const refused = await applyPlan(guarded, test.url, rollbackDir, '--allow-used', '--format', 'json');
      expect(refused.exitCode).toBe(1);
      expect(JSON.parse(refused.stdout).errors[0].code).toBe('verify_regression');
      expect(await ignored()).toBe('NO');

      const original = await showCreateTable(test, 'items');
      const applied = await applyPlan(file, test.url, rollbackDir, '--allow-used', '--format', 'json');
      expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
      expect(JSON.parse(applied.stdout).status).toBe('applied');
      expect(await ignored()).toBe('YES');
      expect(await explainKey()).toBeNull();
      // in sync now
      expect((await runCli(['plan', file, '--url', test.url])).exitCode).toBe(0);

      const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', rollbackDir]);
      expect(rolled.exitCode, rolled.stderr).toBe(0);
      expect(await ignored()).toBe('NO');
      expect(await showCreateTable(test, 'items')).toBe(original);
      expect(await explainKey()).toBe('idx_items_a');

      // disabled again, then `state: present` makes it visible with an `enable`
      expect((await applyPlan(file, test.url, rollbackDir, '--allow-used')).exitCode).toBe(0);
      expect(await ignored()).toBe('YES');
      const present = await writePlan(plan('present'));
      const enable = JSON.parse((await runCli(['plan', present, '--url', test.url, '--format', 'json'])).stdout);
      expect(enable.changes[0]).toMatchObject({ action: 'enable' });
      expect((await applyPlan(present, test.url, rollbackDir, '--allow-used')).exitCode).toBe(0);
      expect(await ignored()).toBe('NO');
    },
  );

  it.runIf(server.dialect === 'postgres')(
    'is an error at file:line that points to usage and plan --what-if',
    async () => {
      const file = await writePlan(plan('disabled'));
      const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
      expect(planned.exitCode).toBe(1);
      const [error] = JSON.parse(planned.stdout).errors;
      expect(error).toMatchObject({ code: 'disable_unsupported', file, line: 8 });
      expect(error.message).toMatch(/safe-index usage/);
      expect(error.message).toMatch(/plan --what-if/);
      const applied = await applyPlan(file, test.url, path.join(dir, 'rb'), '--allow-used');
      expect(applied.exitCode).toBe(1);
      expect(applied.stderr).toMatch(new RegExp(`${file}:8:\\d+: state: disabled`));
    },
  );
});
