import { createDialect } from '../dialects/index.js';
import type { Dialect } from '../dialects/types.js';
import { type Database, openDatabase } from './database.js';
import { resolveTarget, type Target, type TargetOptions } from './target.js';

/**
 * Opens the target named by the options, runs `work` with it and its dialect, and always closes it.
 * `beforeConnect` sees the resolved target (its dialect is known from the URL scheme or knexfile
 * client) before any connection is opened; what it throws stops the command there.
 */
export async function withDatabase<T>(
  options: TargetOptions,
  work: (db: Database, dialect: Dialect) => Promise<T>,
  beforeConnect?: (target: Target) => Promise<void>,
): Promise<T> {
  const target = await resolveTarget(options);
  await beforeConnect?.(target);
  const db = await openDatabase(target);
  try {
    return await work(db, createDialect(db.server));
  } finally {
    await db.close();
  }
}
