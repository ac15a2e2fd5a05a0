import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { Database } from '../connection/database.js';
import { packageFile } from '../package-files.js';

/** Table where knex records which of the tool's migrations ran (its lock table adds `_lock`). */
export const migrationsTable = 'safe_index_migrations';

/** Table of recorded runs (created by `migrations/`). */
export const runsTable = 'safe_index_runs';

/** Table of the recorded steps of each run. */
export const stepsTable = 'safe_index_steps';

/** Table of index usage snapshots (`usage --record`, `apply`). */
export const usageTable = 'safe_index_usage';

/** Every table the tool owns in the target database. */
export const stateTables = [runsTable, stepsTable, usageTable, migrationsTable, `${migrationsTable}_lock`];

const migrationsDirectory = packageFile('migrations/');

interface MigrationModule {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Reads the plain-JavaScript migrations of `migrations/` at runtime, in file-name order. */
const migrationSource: Knex.MigrationSource<string> = {
  async getMigrations() {
    const files = await readdir(migrationsDirectory);
    return files.filter((file) => /^\d+_.*\.m?js$/.test(file)).sort();
  },
  getMigrationName: (file) => file,
  getMigration: async (file) => (await import(pathToFileURL(`${migrationsDirectory}${file}`).href)) as MigrationModule,
};

/**
 * Whether every migration of `migrations/` is recorded as run: one read, where knex's own check
 * (table lookups, its lock table, a transaction) sends about a dozen statements on every apply.
 */
async function upToDate(db: Database): Promise<boolean> {
  const files = await migrationSource.getMigrations([]);
  let rows: Array<{ name: string }>;
  try {
    rows = await db.knex(migrationsTable).select('name');
  } catch {
    return false; // no state tables yet
  }
  const done = new Set(rows.map((row) => row.name));
  return files.every((file) => done.has(file));
}

/** Creates or upgrades the tool's state tables. Call it while holding the run lock. */
export async function ensureStateTables(db: Database): Promise<void> {
  if (await upToDate(db)) return;
  await db.knex.migrate.latest({ migrationSource, tableName: migrationsTable });
}

/** Whether the state tables exist yet (read-only commands do not create them). */
export async function stateTablesExist(db: Database): Promise<boolean> {
  return db.knex.schema.hasTable(stepsTable);
}
