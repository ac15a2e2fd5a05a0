import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { applyPlan, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlans } from '../../support/plans.js';
import { waitForRow } from '../../support/sessions.js';
import { spawnCli } from '../apply/cli.js';

/**
 * A replace on PostgreSQL is: build `<name>_si_new` concurrently, drop `<name>` concurrently, rename.
 * `DROP INDEX CONCURRENTLY` first marks the old index INVALID, then waits for every transaction that
 * holds a lock on the table. A reader whose READ COMMITTED transaction stays open holds ACCESS SHARE
 * without a snapshot: the build does not wait for it, the drop does. Ending the tool there (its DDL
 * connection terminated, or the process killed) leaves `<name>_si_new` (valid) beside an INVALID
 * `<name>`: what `plan` must report and `apply` must finish.
 */
describe.each(testServersOf('postgres'))('a replace interrupted while the old index is dropped on $label', (server) => {
  let test: TestDatabase;
  let reader: Session | undefined;
  let dir: string;
  const planOf = (columns: string) => `indexes:\n  - name: idx_s\n    table: t\n    columns: [${columns}]\n`;

  beforeEach(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int not null, b int not null)');
    await test.exec('insert into t select g, g % 50, g % 7 from generate_series(1, 2000) g');
    await test.exec('create index idx_s on t (a)');
    dir = await writePlans({ 'ab.yml': planOf('a, b'), 'a.yml': planOf('a') }, 'si-partial-replace-');
  });
  afterEach(async () => {
    await reader?.release();
    reader = undefined;
    await test?.drop();
  });

  async function indexes(): Promise<{ name: string; valid: boolean; definition: string }[]> {
    const rows = await test.exec(
      `select c.relname as name, i.indisvalid as valid, pg_get_indexdef(i.indexrelid) as definition
         from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = 't'::regclass and not i.indisprimary order by 1`,
    );
    return rows.map((row) => ({
      name: String(row.name),
      valid: Boolean(row.valid),
      definition: String(row.definition),
    }));
  }

  /**
   * A READ COMMITTED transaction that read the table and stays open between statements: ACCESS SHARE,
   * no snapshot (the LOCK, a utility statement, ends the driver's unnamed portal of the SELECT, which
   * would otherwise keep its snapshot, and the concurrent build would wait for it too).
   */
  async function openReader(): Promise<void> {
    reader = await test.db.session('test reader');
    await reader.query('begin');
    await reader.query('select count(*) from t');
    await reader.query('lock table t in access share mode');
  }

  /** The pid of the tool's DDL connection once its DROP INDEX CONCURRENTLY waits; `output` tells what the tool said if it never does. */
  async function dropWaiting(output: () => string = () => ''): Promise<number> {
    const row = await waitForRow(
      test,
      `select pid from pg_stat_activity where datname = current_database()
          and application_name like 'safe-index%ddl' and query like 'DROP INDEX CONCURRENTLY%'
          and wait_event_type = 'Lock'`,
      async () => {
        const activity = await test.exec(
          'select application_name, state, wait_event_type, wait_event, backend_xmin, left(query, 80) as q from pg_stat_activity where datname = current_database()',
        );
        return `the drop of the old index never waited: ${JSON.stringify(activity)}${output()}`;
      },
      300,
    );
    return Number(row.pid);
  }

  /** The state both interruptions leave: the new index built, the old one INVALID. */
  async function expectHalfSwapped(): Promise<void> {
    expect(await indexes()).toEqual([
      { name: 'idx_s', valid: false, definition: expect.stringMatching(/\(a\)$/) },
      { name: 'idx_s_si_new', valid: true, definition: expect.stringMatching(/\(a, b\)$/) },
    ]);
  }

  /** Plan reports the leftover and finishes the swap; apply does it; plan is then in sync. */
  async function expectFinished(): Promise<void> {
    const planned = await runCli(['plan', path.join(dir, 'ab.yml'), '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const report = JSON.parse(planned.stdout);
    expect(report.leftovers).toContainEqual({
      index: 'idx_s_si_new',
      table: 't',
      kind: 'si_new',
      of: 'idx_s',
      managed: true,
    });
    const change = report.changes.find((c: { index: string }) => c.index === 'idx_s');
    expect(change.action).toBe('replace');
    // the temporary index is the replacement, not an index the new one would duplicate
    expect(change.warnings).toEqual([]);
    // the valid index already built under the temporary name is reused, not built again
    expect(change.sql).toEqual([
      'DROP INDEX CONCURRENTLY "public"."idx_s"',
      'ALTER INDEX "public"."idx_s_si_new" RENAME TO "idx_s"',
    ]);
    const text = await runCli(['plan', path.join(dir, 'ab.yml'), '--url', test.url]);
    expect(text.stdout).toMatch(/leftover: si_new index idx_s_si_new .*apply repairs it/);
    const applied = await applyPlan(path.join(dir, 'ab.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await indexes()).toEqual([{ name: 'idx_s', valid: true, definition: expect.stringMatching(/\(a, b\)$/) }]);
    const again = await runCli(['plan', path.join(dir, 'ab.yml'), '--url', test.url, '--format', 'json']);
    expect(again.exitCode, again.stdout).toBe(0);
    expect(JSON.parse(again.stdout).leftovers).toEqual([]);
  }

  it('its DDL connection terminated: the error says so, naming the step; plan and apply finish the swap', async () => {
    await openReader();
    const applying = applyPlan(path.join(dir, 'ab.yml'), test.url, dir, '--format', 'json', '--lock-timeout', '1s');
    await test.exec('select pg_terminate_backend(?)', [await dropWaiting()]);
    const result = await applying;
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.status).toBe('failed');
    expect(report.errors[0].code).toBe('connection_lost');
    expect(report.errors[0].message).toMatch(/replace idx_s on t/);
    expect(report.errors[0].message).toMatch(/terminated/);
    expect(report.errors[0].message).not.toMatch(/Client has encountered a connection error/);
    await reader?.query('rollback');
    await expectHalfSwapped();
    await expectFinished();
  });

  /** Starts apply as a process, kills it (SIGKILL) while its drop of the old index waits, then ends the reader. */
  async function killDuringDrop(command: string[] = ['apply', 'ab.yml']): Promise<void> {
    await openReader();
    const child = spawnCli([...command, '--url', test.url, '--yes', '--rollback-dir', dir], dir);
    let said = '';
    child.stdout.on('data', (chunk) => {
      said += chunk;
    });
    child.stderr.on('data', (chunk) => {
      said += chunk;
    });
    let exit = '';
    const done = new Promise((resolve) =>
      child.on('exit', (code, signal) => {
        exit = `exited with ${code ?? signal}`;
        resolve(undefined);
      }),
    );
    await dropWaiting(() => `; the tool ${exit || 'still runs'} and said: ${said}`);
    child.kill('SIGKILL');
    await done;
    // the server notices the dead client (client_connection_check_interval) and ends the drop; the
    // reader stays until then, else the orphaned drop would finish (a minute or more: a busy machine is slow
    // to notice; the loop ends as soon as the drop is gone)
    for (let i = 0; i < 600; i += 1) {
      const left = await test.exec(
        "select 1 from pg_stat_activity where datname = current_database() and query like 'DROP INDEX CONCURRENTLY%' and state = 'active'",
      );
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await reader?.query('rollback');
  }

  it('the tool killed (kill -9): plan reports the leftover and apply finishes the swap', async () => {
    await killDuringDrop();
    await expectHalfSwapped();
    await expectFinished();
  });

  it('a leftover that is not the desired definition is dropped, and the INVALID index rebuilt', async () => {
    await killDuringDrop();
    await expectHalfSwapped();
    // the plan went back to (a): the half-built (a, b) is not wanted
    const planned = await runCli(['plan', path.join(dir, 'a.yml'), '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const report = JSON.parse(planned.stdout);
    // the leftover goes first: the replace builds under the same temporary name
    expect(report.changes.map((c: { index: string; action: string }) => `${c.action} ${c.index}`)).toEqual([
      'drop idx_s_si_new',
      'replace idx_s',
    ]);
    expect(report.changes[0]).toMatchObject({ online: true, sql: ['DROP INDEX CONCURRENTLY "public"."idx_s_si_new"'] });
    const applied = await applyPlan(path.join(dir, 'a.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await indexes()).toEqual([{ name: 'idx_s', valid: true, definition: expect.stringMatching(/\(a\)$/) }]);
    expect((await runCli(['plan', path.join(dir, 'a.yml'), '--url', test.url])).exitCode).toBe(0);
  });

  it('a valid temporary index beside a valid old one (killed before the drop): the swap is finished', async () => {
    await test.exec('create index idx_s_si_new on t (a, b)');
    const planned = await runCli(['plan', path.join(dir, 'ab.yml'), '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const change = JSON.parse(planned.stdout).changes.find((c: { index: string }) => c.index === 'idx_s');
    expect(change.sql).toEqual([
      'DROP INDEX CONCURRENTLY "public"."idx_s"',
      'ALTER INDEX "public"."idx_s_si_new" RENAME TO "idx_s"',
    ]);
    // the old index was valid: its rollback builds it again, exactly
    expect(change.rollback[0]).toMatch(/^CREATE INDEX CONCURRENTLY "idx_s_si_new" ON "public"."t" .*\(a\)$/);
    const applied = await applyPlan(path.join(dir, 'ab.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await indexes()).toEqual([{ name: 'idx_s', valid: true, definition: expect.stringMatching(/\(a, b\)$/) }]);
    const rolledBack = await runCli(['rollback', '--url', test.url, '--yes']);
    expect(rolledBack.exitCode, rolledBack.stderr).toBe(0);
    expect(await indexes()).toEqual([{ name: 'idx_s', valid: true, definition: expect.stringMatching(/\(a\)$/) }]);
  });

  it('a rollback of the replace killed while it drops: plan reports it, and rollback again finishes the undo', async () => {
    const applied = await applyPlan(path.join(dir, 'ab.yml'), test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    await killDuringDrop(['rollback']);
    // the undo built the old definition under the temporary name; the (a, b) index is INVALID
    expect(await indexes()).toEqual([
      { name: 'idx_s', valid: false, definition: expect.stringMatching(/\(a, b\)$/) },
      { name: 'idx_s_si_new', valid: true, definition: expect.stringMatching(/\(a\)$/) },
    ]);
    const planned = await runCli(['plan', path.join(dir, 'ab.yml'), '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    expect(JSON.parse(planned.stdout).leftovers).toContainEqual(
      expect.objectContaining({ index: 'idx_s_si_new', kind: 'si_new' }),
    );
    const again = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stderr).toMatch(/idx_s_si_new/);
    expect(await indexes()).toEqual([{ name: 'idx_s', valid: true, definition: expect.stringMatching(/\(a\)$/) }]);
  });
});
