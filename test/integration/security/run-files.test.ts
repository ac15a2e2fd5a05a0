import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';

const plan = (name: string) => `indexes:
  - name: ${name}
    table: orders
    columns: [customer]
`;

async function createOrders(test: TestDatabase): Promise<void> {
  await test.exec(
    test.server.dialect === 'postgres'
      ? 'create table orders (id serial primary key, customer int not null)'
      : 'create table orders (id int auto_increment primary key, customer int not null)',
  );
  await test.exec('insert into orders (customer) values (1), (2), (3)');
}

/** Every file under `dir` with its text. */
async function filesUnder(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out[entry.name] = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return out;
}

const bin = new URL('../../../dist/cli/bin.js', import.meta.url).pathname;

/** Runs the built CLI with a file size limit, so a write of a regular file fails half way (EFBIG). */
async function cliWithFileSizeLimit(bytes: number, args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await promisify(execFile)('prlimit', [`--fsize=${bytes}`, process.execPath, bin, ...args]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

describe.each(testServers())('rollback files on $label', (server) => {
  let first: TestDatabase;
  let second: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    first = await createTestDatabase(server);
    second = await createTestDatabase(server);
    await createOrders(first);
    await createOrders(second);
    dir = await mkdtemp(path.join(tmpdir(), 'safe-index-files-'));
    await writeFile(path.join(dir, 'a.yml'), plan('idx_orders_a'));
  });
  afterEach(async () => {
    await first?.drop();
    await second?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const apply = (test: TestDatabase, ...extra: string[]) =>
    runCli(['apply', path.join(dir, 'a.yml'), '--url', test.url, '--yes', '--format', 'json', ...extra]);

  it('two databases sharing a directory keep both rollback files, each 0600', async () => {
    const rollbacks = path.join(dir, 'rollbacks');
    const a = JSON.parse((await apply(first, '--rollback-dir', rollbacks)).stdout);
    const b = JSON.parse((await apply(second, '--rollback-dir', rollbacks)).stdout);
    expect([a.run, b.run]).toEqual([1, 1]);
    expect(a.rollback_file).toBe(path.join(rollbacks, `${first.name}-1.sql`));
    expect(b.rollback_file).toBe(path.join(rollbacks, `${second.name}-1.sql`));
    for (const file of [a.rollback_file, b.rollback_file]) {
      expect(await readFile(file, 'utf8')).toContain('idx_orders_a');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
    }
    const undone = await runCli(['rollback', '--url', first.url, '--yes', '--rollback-dir', rollbacks]);
    expect(undone.exitCode, undone.stderr).toBe(0);
    expect(undone.stdout).toMatch(/idx_orders_a/);
    expect(existsSync(path.join(rollbacks, `${first.name}-1.rolled-back.sql`))).toBe(true);
    const files = Object.keys(await filesUnder(rollbacks)).sort();
    const runFiles = (name: string) => ['.report.json', '.report.md', '.sql'].map((ext) => `${name}-1${ext}`);
    expect(files).toEqual(
      [...runFiles(first.name), ...runFiles(second.name), `${first.name}-1.rolled-back.sql`].sort(),
    );
    for (const file of files) expect((await stat(path.join(rollbacks, file))).mode & 0o777).toBe(0o600);
  });

  it('a planted symlink is not followed: its target is untouched, the script goes to a new name', async () => {
    const rollbacks = path.join(dir, 'rollbacks');
    const precious = path.join(dir, 'precious.txt');
    await writeFile(precious, 'keep me\n');
    await rm(rollbacks, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(rollbacks));
    await symlink(precious, path.join(rollbacks, `${first.name}-1.sql`));
    const applied = await apply(first, '--rollback-dir', rollbacks);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const report = JSON.parse(applied.stdout);
    expect(await readFile(precious, 'utf8')).toBe('keep me\n');
    expect(report.rollback_file).toBe(path.join(rollbacks, `${first.name}-1.2.sql`));
    expect((await lstat(report.rollback_file)).isSymbolicLink()).toBe(false);
    expect(await readFile(report.rollback_file, 'utf8')).toContain('idx_orders_a');
  });

  it('a --rollback-dir that cannot take files fails before any DDL and records nothing', async () => {
    const notADir = path.join(dir, 'file');
    await writeFile(notADir, 'a regular file\n');
    for (const target of [notADir, path.join(notADir, 'below')]) {
      const failed = await apply(first, '--rollback-dir', target);
      expect(failed.exitCode).toBe(1);
      const error = JSON.parse(failed.stdout).errors[0];
      expect(error.code).toBe('rollback_dir');
      expect(error.message).toMatch(/cannot receive files.*nothing was run/);
    }
    expect(await indexNames(first.db, 'orders')).not.toContain('idx_orders_a');
    const history = JSON.parse((await runCli(['history', '--url', first.url, '--format', 'json'])).stdout);
    expect(history).toEqual([]);
    // rollback checks it as well, before undoing anything
    const applied = await apply(first, '--rollback-dir', path.join(dir, 'ok'));
    expect(applied.exitCode, applied.stderr).toBe(0);
    const refused = await runCli(['rollback', '--url', first.url, '--yes', '--rollback-dir', notADir]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/cannot receive files/);
    expect(await indexNames(first.db, 'orders')).toContain('idx_orders_a');
  });

  it.runIf(existsSync('/usr/bin/prlimit'))(
    'a rollback script that cannot be written after the DDL leaves the run recorded and says where its SQL is',
    async () => {
      const rollbacks = path.join(dir, 'rollbacks');
      // the empty probe and the empty reserved file fit; the script (a few hundred bytes) does not
      const args = ['apply', path.join(dir, 'a.yml'), '--url', first.url, '--yes', '--format', 'json'];
      const applied = await cliWithFileSizeLimit(64, [...args, '--rollback-dir', rollbacks]);
      const report = JSON.parse(applied.stdout);
      expect(report).toMatchObject({ run: 1, status: 'applied', rollback_file: null });
      expect(report.errors[0].code).toBe('rollback_dir');
      expect(report.errors[0].message).toMatch(/stored with run 1 in the database.*rollback --run 1 --dry-run/);
      expect(existsSync(path.join(rollbacks, `${first.name}-1.sql`))).toBe(false);
      const [run] = await first.exec('select status, rollback_script from safe_index_runs where id = 1');
      expect(run?.status).toBe('applied');
      expect(String(run?.rollback_script)).toContain('idx_orders_a');
      const dry = await runCli(['rollback', '--url', first.url, '--run', '1', '--dry-run']);
      expect(dry.exitCode).toBe(0);
      expect(dry.stdout).toContain('idx_orders_a');
    },
  );

  it('an index name with a newline is a plan error at file:line; nothing is written', async () => {
    const file = path.join(dir, 'evil.yml');
    await writeFile(file, plan('"ix_c\\nDROP TABLE orders;\\n"'));
    const args = { plan: [], apply: ['--yes', '--rollback-dir', path.join(dir, 'out')] };
    for (const [command, extra] of Object.entries(args)) {
      const run = await runCli([command, file, '--url', first.url, ...extra]);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain(`${file}:2:`);
      expect(run.stderr).toMatch(/control characters/);
    }
    expect(existsSync(path.join(dir, 'out'))).toBe(false);
    expect(await indexNames(first.db, 'orders')).not.toContain('ix_c\nDROP TABLE orders;\n');
  });
});
