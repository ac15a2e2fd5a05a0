import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startEmbeddedServer } from '../../src/demo/embedded-server.js';
import { mysql97Url } from './databases.js';

declare module 'vitest' {
  export interface ProvidedContext {
    embeddedPgUrl: string;
    /** Labels of optional servers that did not answer (their tests are left out, with a printed reason). */
    missingServers: string[];
  }
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
  // the demo's start-up: as root it stages the binaries where the postgres user can run them, so the
  // suite runs from a clone in a folder other users cannot enter (mktemp -d)
  const server = await startEmbeddedServer({ extraFlags: ['-c', 'max_connections=200'] });
  project.provide('embeddedPgUrl', server.url);
  return () => server.stop();
}
