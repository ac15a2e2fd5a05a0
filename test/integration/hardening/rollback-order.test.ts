import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { schemaDump } from '../apply/cli.js';

const planOf = (columns: string) => `indexes:\n  - name: idx_s\n    table: t\n    columns: [${columns}]\n`;

/**
 * Run 1 creates idx_s (a), run 2 replaces it with (a, b). Undoing run 1 first would drop the index
 * run 2 built (and run 2's own rollback would then fail half way): it is refused, naming run 2,
 * unless --force; undoing run 2 and then run 1 gives back the schema from before both.
 */
describe.each(testServers())('rollback of a run a later run touched on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  let before: string;
  const pg = server.dialect === 'postgres';

  beforeEach(async () => {
    test = await createTestDatabase(server);
    await test.exec(
      pg
        ? 'create table t (id int primary key, a int not null, b int not null)'
        : 'create table t (id int primary key, a int not null, b int not null) engine=InnoDB',
    );
    await test.exec('insert into t values (1, 1, 1), (2, 2, 2), (3, 3, 3)');
    dir = await mkdtemp(path.join(tmpdir(), 'si-rollback-order-'));
    await writeFile(path.join(dir, 'a.yml'), planOf('a'));
    await writeFile(path.join(dir, 'ab.yml'), planOf('a, b'));
    before = await schemaDump(test);
    for (const file of ['a.yml', 'ab.yml']) {
      const applied = await runCli(['apply', path.join(dir, file), '--url', test.url, '--yes', '--rollback-dir', dir]);
      expect(applied.exitCode, applied.stderr).toBe(0);
    }
  });
  afterEach(async () => {
    await test?.drop();
  });

  async function columnsOfIdxS(): Promise<string[]> {
    const rows = pg
      ? await test.exec(
          `select a.attname as name from pg_index i join pg_class c on c.oid = i.indexrelid
             join lateral unnest(i.indkey::int2[]) with ordinality k(attnum, n) on true
             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
            where c.relname = 'idx_s' order by k.n`,
        )
      : await test.exec(
          `select column_name as name from information_schema.statistics
            where table_schema = database() and table_name = 't' and index_name = 'idx_s' order by seq_in_index`,
        );
    return rows.map((row) => String(row.name));
  }

  const rollback = (...args: string[]) =>
    runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir, '--format', 'json', ...args]);

  it('refuses to undo run 1 while run 2 has changed the same index, naming run 2', async () => {
    for (const dryRun of [['--dry-run'], []]) {
      const refused = await rollback('--run', '1', ...dryRun);
      expect(refused.exitCode).toBe(1);
      const [error] = JSON.parse(refused.stdout).errors;
      expect(error.code).toBe('rollback_order');
      expect(error.message).toMatch(/run 2/);
      expect(error.message).toMatch(/idx_s/);
      expect(error.message).toMatch(/--force/);
    }
    expect(await columnsOfIdxS()).toEqual(['a', 'b']);
    const history = JSON.parse((await runCli(['history', '--url', test.url, '--format', 'json'])).stdout);
    expect(history.map((run: { status: string }) => run.status)).toEqual(['applied', 'applied']);
  });

  it('undoes run 2 and then run 1: the schema is the one from before both', async () => {
    const second = await rollback('--run', '2');
    expect(second.exitCode, second.stdout).toBe(0);
    expect(await columnsOfIdxS()).toEqual(['a']);
    const first = await rollback('--run', '1');
    expect(first.exitCode, first.stdout).toBe(0);
    expect(await columnsOfIdxS()).toEqual([]);
    expect(await schemaDump(test)).toBe(before);
  });

  it('--force undoes run 1 anyway, with a warning that names run 2', async () => {
    const forced = await rollback('--run', '1', '--force');
    expect(forced.exitCode, forced.stdout).toBe(0);
    const report = JSON.parse(forced.stdout);
    expect(report.status).toBe('rolled_back');
    expect(report.warnings).toEqual([expect.stringMatching(/run 2 .*idx_s/)]);
    expect(forced.stderr).toMatch(/warning: .*run 2/);
    expect(await columnsOfIdxS()).toEqual([]);
  });
});
