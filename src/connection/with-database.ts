import { dialectOf } from '../dialects/index.js';
import type { Dialect } from '../dialects/types.js';
import { SafeIndexError } from '../errors.js';
import { defaultSettings } from '../plan-file/types.js';
import { type Database, openDatabase } from './database.js';
import { resolveTarget, type Target, type TargetOptions } from './target.js';

/**
 * Opens the target named by the options, runs `work` with it and its dialect, and always closes it.
 * Every statement waits at most `lockTimeoutMs` for a lock (default: a plan's default lock timeout).
 * `beforeConnect` sees the resolved target (its dialect is known from the URL scheme or knexfile
 * client) before any connection is opened; what it throws stops the command there.
 */
export async function withDatabase<T>(
  options: TargetOptions & { lockTimeoutMs?: number },
  work: (db: Database, dialect: Dialect) => Promise<T>,
  beforeConnect?: (target: Target) => Promise<void>,
): Promise<T> {
  const target = await resolveTarget(options);
  if (target.dialect === 'mysql' && namesNoDatabase(target)) throw noDatabase(target);
  await beforeConnect?.(target);
  const db = await openDatabase(target, { lockTimeoutMs: options.lockTimeoutMs ?? defaultSettings.lockTimeoutMs });
  try {
    // a knexfile's connection function, or a URL parameter, may still leave the session without one
    if (db.server.dialect === 'mysql' && !db.server.database) throw noDatabase(target);
    return await work(db, dialectOf(db));
  } finally {
    await db.close();
  }
}

/** Whether a MySQL/MariaDB target's settings leave out the database (a URL with no path, a knexfile without `database`). */
function namesNoDatabase(target: Target): boolean {
  const connection = target.knexConfig.connection;
  if (!connection || typeof connection !== 'object') return false; // a function: known once connected
  const database = (connection as Record<string, unknown>).database;
  return database === undefined || database === null || database === '';
}

/**
 * Every MySQL/MariaDB command works in one database (its tables, the state tables, the run lock): a
 * target without one is refused before anything runs, not half way with "No database selected".
 */
function noDatabase(target: Target): SafeIndexError {
  return new SafeIndexError(
    'no_database',
    `${target.display} names no database: MySQL/MariaDB targets need one, e.g. mysql://user@host:3306/app (or \`database\` in the knexfile's connection)`,
  );
}
