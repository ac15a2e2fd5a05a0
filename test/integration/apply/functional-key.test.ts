import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { showCreateTable } from '../dialects/mysql/show-create.js';

const present = `indexes:
  - name: idx_lower_b
    table: t
    columns:
      - {expression: "lower(b)"}
`;
const absent = 'indexes:\n  - name: idx_lower_b\n    table: t\n    state: absent\n';

// MySQL 8.0.13+ functional key parts: a hidden virtual column, which LOCK=NONE refuses (error 1846)
describe.each(testServersOf('mysql'))('a functional key part on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-functional-'));
    await test.exec('create table t (id int primary key, b varchar(40)) engine=InnoDB');
    await test.exec("insert into t values (1, 'Ann'), (2, 'bob'), (3, 'Cy')");
  });
  afterAll(async () => {
    await test?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const json = async (args: string[]) => {
    const result = await runCli([...args, '--url', test.url, '--format', 'json', '--rollback-dir', dir]);
    return { ...result, document: result.stdout ? JSON.parse(result.stdout) : undefined };
  };

  it('is planned not online both ways, built and dropped with --allow-blocking, and each rolled back exactly', async (ctx) => {
    if (test.db.server.flavor !== 'mysql') ctx.skip();
    const original = await showCreateTable(test, 't');
    const create = await writePlan(present);
    const planned = await runCli(['plan', create, '--url', test.url, '--format', 'json']);
    const [build] = JSON.parse(planned.stdout).changes;
    expect(build).toMatchObject({ action: 'create', online: false });
    expect(build.online_reason).toMatch(/functional key part.*1846/);
    expect(build.sql[0]).toContain('LOCK=SHARED');
    // refused without consent, sent with it
    expect((await json(['apply', create, '--yes'])).exitCode).toBe(1);
    const built = await json(['apply', create, '--yes', '--allow-blocking']);
    expect(built.exitCode, built.stdout + built.stderr).toBe(0);
    expect(await showCreateTable(test, 't')).toContain('KEY `idx_lower_b` ((lower(`b`)))');
    const withIndex = await showCreateTable(test, 't');

    // the drop itself is online, its undo is not: the plan says so and asks for --allow-blocking
    const drop = await writePlan(absent);
    const [dropped] = JSON.parse((await runCli(['plan', drop, '--url', test.url, '--format', 'json'])).stdout).changes;
    expect(dropped).toMatchObject({ action: 'drop', online: false, reversible: true });
    expect(dropped.online_reason).toMatch(/dropping is online, but undoing it cannot be/);
    expect(dropped.sql[0]).toContain('LOCK=NONE');
    expect(dropped.rollback[0]).toContain('LOCK=SHARED');
    expect((await json(['apply', drop, '--yes'])).exitCode).toBe(1);
    const gone = await json(['apply', drop, '--yes', '--allow-blocking']);
    expect(gone.exitCode, gone.stdout + gone.stderr).toBe(0);
    expect(await showCreateTable(test, 't')).toBe(original);

    // rollback of the drop puts the functional index back, then rollback of the create removes it
    const restored = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await showCreateTable(test, 't')).toBe(withIndex);
    const undone = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(await showCreateTable(test, 't')).toBe(original);
  });
});
