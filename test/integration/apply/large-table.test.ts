import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { startProbe } from '../executor/probe.js';
import { createOrders } from '../executor/steps.js';
import { cli, spawnCli } from './cli.js';

const planOf = (name: string, columns: string) => `indexes:
  - name: ${name}
    table: orders
    columns: [${columns}]
`;

const exited = (child: ReturnType<typeof spawnCli>) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe.each(testServers())('apply on a table of 1M rows on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'safe-index-large-'));
    await createOrders(test, 1_000_000);
    await writeFile(path.join(dir, 'writer.yml'), planOf('idx_writer', 'customer, status, total'));
    await writeFile(path.join(dir, 'twice.yml'), planOf('idx_twice', 'status, customer'));
    await writeFile(path.join(dir, 'killed.yml'), planOf('idx_killed', 'total, status, customer'));
  }, 300_000);
  afterAll(async () => {
    await test?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a concurrent writer going: no error, no write waits for the build', async () => {
    const rows = Number((await test.exec('select count(*) as n from orders'))[0]?.n);
    expect(rows).toBeGreaterThanOrEqual(1_000_000);
    const probe = await startProbe(test.db);
    const started = performance.now();
    const applied = await cli(['apply', 'writer.yml', '--url', test.url, '--yes', '--format', 'json'], dir);
    const applyMs = performance.now() - started;
    const load = await probe.stop();
    expect(applied.code, applied.stderr).toBe(0);
    expect(JSON.parse(applied.stdout).status).toBe('applied');
    expect(load.errors).toEqual([]);
    // relative, so a busy machine slows both sides: a write blocked by the build would wait about as
    // long as the build itself (the worst write latency in absolute terms is in docs/BENCHMARKS.md)
    expect(load.maxMs).toBeLessThan(applyMs / 2);
  });

  it('shows a progress line that redraws in place on a terminal while it builds', async () => {
    await writeFile(path.join(dir, 'progress.yml'), planOf('idx_progress', 'status, total, customer'));
    // an open transaction makes the build wait about 2.5 s (PG: an old snapshot CIC must outlive;
    // MariaDB: a metadata lock the ALTER waits for), past the 1 s before progress is first shown
    const holder = await test.db.session();
    await holder.query(server.dialect === 'postgres' ? 'begin isolation level repeatable read' : 'start transaction');
    await holder.query('select count(*) from orders');
    const release = new Promise((resolve) => setTimeout(resolve, 2500)).then(async () => {
      await holder.query('commit');
      await holder.release();
    });
    const applied = await runCli(
      ['apply', path.join(dir, 'progress.yml'), '--url', test.url, '--yes', '--rollback-dir', dir],
      {
        tty: true,
      },
    );
    await release;
    expect(applied.exitCode, applied.stderr).toBe(0);
    // a redrawn line: carriage return + erase line, then `<step>: <phase> [percent], <seconds>s`
    expect(applied.stderr).toMatch(/\r\x1b\[2Kcreate idx_progress on orders: [^\r\n]+, \d+s/);
    expect(applied.stdout).not.toMatch(/\x1b\[2K/);
  });

  it('MySQL: progress names the InnoDB stage (performance_schema) while the 1M-row build runs', async (ctx) => {
    if (test.db.server.flavor !== 'mysql') ctx.skip();
    await writeFile(path.join(dir, 'stage.yml'), planOf('idx_stage', 'status, customer, total, id'));
    const applied = await runCli(
      ['apply', path.join(dir, 'stage.yml'), '--url', test.url, '--yes', '--rollback-dir', dir],
      { tty: true },
    );
    expect(applied.exitCode, applied.stderr).toBe(0);
    // e.g. `create idx_stage on orders: alter table (read PK and internal sort) 41.7%, 2s`
    expect(applied.stderr).toMatch(/create idx_stage on orders: alter table \([^)]+\)( [\d.]+%)?, \d+s/);
  });

  it('two applies started at the same moment: exactly one builds, the other finds nothing to do', async () => {
    const args = ['apply', 'twice.yml', '--url', test.url, '--yes', '--format', 'json', '--wait', '60s'];
    const [a, b] = await Promise.all([exited(spawnCli(args, dir)), exited(spawnCli(args, dir))]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const statuses = [a, b].map((r) => JSON.parse(r.stdout).status).sort();
    expect(statuses).toEqual(['applied', 'noop']);
    expect(`${a.stderr}${b.stderr}`).toMatch(/waiting for the run lock/);
  });

  it('kill -9 during a build: the next apply completes, no INVALID index, history shows interrupted', async () => {
    const pg = server.dialect === 'postgres';
    const child = spawnCli(['apply', 'killed.yml', '--url', test.url, '--yes'], dir);
    const done = exited(child);
    // the step's own build on orders, not any index build in the database: planning builds the index on an
    // empty copy of the table first (MySQL/MariaDB also probe the ALTER on a copy), before the run is
    // recorded, and a kill then leaves no run to show as interrupted
    const building = pg
      ? "select 1 from pg_stat_progress_create_index where datname = current_database() and relid = 'orders'::regclass and command = 'CREATE INDEX CONCURRENTLY'"
      : "select 1 from information_schema.processlist where db = database() and info like concat('ALTER TABLE `', database(), '`.`orders` ADD INDEX `idx_killed`%')";
    // wait for the build to show on the server: stop at once if the apply ended before it (then there is
    // nothing to kill, and its output says why), and give a busy machine a minute to get there
    let ended = false;
    void done.then(() => {
      ended = true;
    });
    const deadline = Date.now() + 60_000;
    while ((await test.exec(building)).length === 0) {
      if (ended) expect.fail(`the apply ended before its build was seen: ${(await done).stderr}`);
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await done;
    const again = await cli(['apply', 'killed.yml', '--url', test.url, '--yes', '--format', 'json'], dir);
    expect(again.code, again.stderr).toBe(0);
    // PostgreSQL's killed build leaves an INVALID index the next apply replaces; MariaDB's orphaned
    // ALTER is stopped by the next apply, or has already finished (then there is nothing to do)
    expect(['applied', 'noop']).toContain(JSON.parse(again.stdout).status);
    if (pg) expect(JSON.parse(again.stdout).status).toBe('applied');
    if (pg) {
      const invalid = await test.exec('select indexrelid::regclass::text as name from pg_index where not indisvalid');
      expect(invalid).toEqual([]);
    }
    expect((await cli(['plan', 'killed.yml', '--url', test.url], dir)).code).toBe(0);
    const history = JSON.parse((await cli(['history', '--url', test.url, '--format', 'json'], dir)).stdout);
    expect(history.map((h: { status: string }) => h.status)).toContain('interrupted');
  });
});
