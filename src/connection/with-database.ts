import { dialectOf } from '../dialects/index.js';
import { targetRulesOf } from '../dialects/target-rules.js';
import type { Dialect } from '../dialects/types.js';
import { SafeIndexError } from '../errors.js';
import { defaultSettings } from '../plan-file/types.js';
import { type Database, type EarlySession, openDatabase } from './database.js';
import { resolveTarget, type Target, type TargetOptions } from './target.js';

/**
 * Opens the target named by the options, runs `work` with it and its dialect, and always closes it.
 * Every statement waits at most `lockTimeoutMs` for a lock (default: a plan's default lock timeout).
 * `beforeConnect` sees the resolved target (its dialect is known from the URL scheme or knexfile
 * client) before any connection is opened; what it throws stops the command there.
 */
export async function withDatabase<T>(
  options: TargetOptions & { lockTimeoutMs?: number; early?: readonly EarlySession[] },
  work: (db: Database, dialect: Dialect) => Promise<T>,
  beforeConnect?: (target: Target) => Promise<void>,
): Promise<T> {
  const target = await resolveTarget(options);
  const required = targetRulesOf(target.dialect).databaseRequired;
  if (required && namesNoDatabase(target)) throw noDatabase(target, required);
  await beforeConnect?.(target);
  const db = await openDatabase(target, {
    lockTimeoutMs: options.lockTimeoutMs ?? defaultSettings.lockTimeoutMs,
    ...(options.early ? { early: options.early } : {}),
  });
  try {
    // a knexfile's connection function, or a URL parameter, may still leave the session without one
    const stillRequired = targetRulesOf(db.server.dialect).databaseRequired;
    if (stillRequired && !db.server.database) throw noDatabase(target, stillRequired);
    return await work(db, dialectOf(db));
  } finally {
    await db.close();
  }
}

/** Whether a target's settings leave out the database (a URL with no path, a knexfile without `database`). */
function namesNoDatabase(target: Target): boolean {
  const connection = target.knexConfig.connection;
  if (!connection || typeof connection !== 'object') return false; // a function: known once connected
  const database = (connection as Record<string, unknown>).database;
  return database === undefined || database === null || database === '';
}

/**
 * A target whose dialect needs a database (`required`: why, with an example) and that names none is
 * refused before anything runs, not half way with "No database selected".
 */
function noDatabase(target: Target, required: string): SafeIndexError {
  return new SafeIndexError(
    'no_database',
    `${target.display} names no database: ${required} (or \`database\` in the knexfile's connection)`,
  );
}
