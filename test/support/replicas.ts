import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The replication pairs of scripts/ensure-replicas.sh (started by `npm test`'s pretest). The ports come
 * from the same environment variables the script reads; a whole URL can be given instead.
 */
const env = process.env;
const myPrimaryPort = env.SAFE_INDEX_REPL_MY_PRIMARY_PORT ?? '3316';
const myReplicaPort = env.SAFE_INDEX_REPL_MY_REPLICA_PORT ?? '3317';
const pgPrimaryPort = env.SAFE_INDEX_REPL_PG_PRIMARY_PORT ?? '5442';
const pgStandbyPort = env.SAFE_INDEX_REPL_PG_STANDBY_PORT ?? '5443';

/** A primary and its replica: admin URLs without a database. */
export interface ReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
}

export const mariadbPair: ReplicaPair = {
  primaryUrl: env.SAFE_INDEX_TEST_REPL_MY_PRIMARY_URL ?? `mysql://root@127.0.0.1:${myPrimaryPort}/`,
  replicaUrl: env.SAFE_INDEX_TEST_REPL_MY_REPLICA_URL ?? `mysql://root@127.0.0.1:${myReplicaPort}/`,
};

export const postgresPair: ReplicaPair = {
  primaryUrl: env.SAFE_INDEX_TEST_REPL_PG_PRIMARY_URL ?? `postgres://postgres@127.0.0.1:${pgPrimaryPort}/postgres`,
  replicaUrl: env.SAFE_INDEX_TEST_REPL_PG_STANDBY_URL ?? `postgres://postgres@127.0.0.1:${pgStandbyPort}/postgres`,
};

function onPath(name: string, extra: string[] = []): boolean {
  const dirs = [...(env.PATH ?? '').split(delimiter), ...extra];
  return dirs.some((dir) => dir !== '' && existsSync(join(dir, name)));
}

/**
 * Why a pair's tests are skipped: only when its server binaries are missing (the pair was given by URL, or
 * the script could start it). A pair whose binaries are there but that does not answer fails its tests.
 */
export function mariadbPairMissing(): string | null {
  if (env.SAFE_INDEX_TEST_REPL_MY_PRIMARY_URL) return null;
  if (onPath('mariadbd', ['/usr/sbin']) && (onPath('mariadb-install-db') || onPath('mysql_install_db'))) return null;
  return 'MariaDB replica tests skipped: no mariadbd / mariadb-install-db binary to run the primary/replica pair (scripts/ensure-replicas.sh)';
}

export function postgresPairMissing(): string | null {
  if (env.SAFE_INDEX_TEST_REPL_PG_PRIMARY_URL) return null;
  const bins = env.SAFE_INDEX_REPL_PG_BIN
    ? [env.SAFE_INDEX_REPL_PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((v) => Number(v) >= 15)
          .map((v) => `/usr/lib/postgresql/${v}/bin`)
      : [];
  if (bins.some((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_basebackup')))) return null;
  return 'PostgreSQL standby tests skipped: no PostgreSQL 15+ initdb / pg_basebackup to run the primary/standby pair (scripts/ensure-replicas.sh)';
}

/** The URL of `adminUrl` pointed at database `name`. */
export function inDatabase(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Reads until `ok` holds or `timeoutMs` passes; returns the last value read. */
export async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

/**
 * Awaits `work` (a command given a `--replica-wait` of `waitMs`) for at most half of `waitMs`: what it
 * returned and how long it took, or no result and `ms` = half of `waitMs` when it was still running then (a
 * gate that waited out `--replica-wait` fails the caller's comparison instead of its test's timeout).
 */
export async function withinHalfOf<T>(waitMs: number, work: Promise<T>): Promise<{ result?: T; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const half = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs / 2);
  });
  try {
    const result = await Promise.race([work, half]);
    return result === undefined ? { ms: waitMs / 2 } : { result, ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long the tool says it waited for its replicas, from a `replica_lag` message ("... after waiting 3.2s
 * (--replica-wait) ..."), in seconds; NaN when the message holds no such count (or a wait of a minute or more).
 */
export function waitedSeconds(message: string): number {
  const found = /after waiting (\d+(?:\.\d+)?)s \(--replica-wait\)/.exec(message);
  return found ? Number(found[1]) : Number.NaN;
}
