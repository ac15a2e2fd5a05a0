import { createDialect } from '../dialects/index.js';
import type { Dialect } from '../dialects/types.js';
import { type Database, openDatabase } from './database.js';
import { resolveTarget, type TargetOptions } from './target.js';

/** Opens the target named by the options, runs `work` with it and its dialect, and always closes it. */
export async function withDatabase<T>(
  options: TargetOptions,
  work: (db: Database, dialect: Dialect) => Promise<T>,
): Promise<T> {
  const db = await openDatabase(await resolveTarget(options));
  try {
    return await work(db, createDialect(db.server));
  } finally {
    await db.close();
  }
}
