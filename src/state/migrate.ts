import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import type { Database, Row } from '../connection/database.js';
import { SafeIndexError } from '../errors.js';
import { packageFile } from '../package-files.js';
import { toolVersion } from '../version.js';
import { column, tableExists } from './statements.js';

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

/** Which of the tool's migrations the target has recorded, against the ones this build carries. */
export interface StateVersion {
  /** Migrations this build carries that the target has not run yet. */
  pending: string[];
  /** Migrations the target has run that this build does not know: a newer safe-index ran there. */
  unknown: string[];
}

/**
 * Reads the target's migration records in one query through the driver (knex's own check sends about a
 * dozen statements on every apply, and loading knex costs more CPU than the rest of a small apply);
 * null when the state tables do not exist yet.
 */
export async function readStateVersion(db: Database): Promise<StateVersion | null> {
  const files = await migrationSource.getMigrations([]);
  let rows: Row[];
  try {
    rows = await db.query(`select ${column(db, 'name')} as name from ${column(db, migrationsTable)}`);
  } catch {
    return null; // no state tables yet
  }
  const done = new Set(rows.map((row) => String(row.name)));
  const known = new Set(files);
  return {
    pending: files.filter((file) => !done.has(file)),
    unknown: [...done].filter((name) => !known.has(name)).sort(),
  };
}

/** The error of a write against state tables a newer safe-index has migrated. */
function newerStateError(db: Database, unknown: readonly string[]): SafeIndexError {
  return new SafeIndexError(
    'state_newer',
    `the safe-index state tables in ${db.server.database} were upgraded by a newer safe-index than this one (${toolLabel()}): ` +
      `its migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} ${unknown.length > 1 ? 'are' : 'is'} unknown here. ` +
      'Nothing was changed. Upgrade safe-index to the version that deploys to this database (read commands such as plan and history still work)',
  );
}

function toolLabel(): string {
  return `version ${toolVersion()}`;
}

/**
 * Creates or upgrades the tool's state tables (knex loads only when a migration must run). Call it while
 * holding the run lock. Refuses (code
 * `state_newer`) when a newer safe-index has migrated them: this build would write rows in a shape the
 * newer one may not expect, and knex would stop with "The migration directory is corrupt".
 */
export async function ensureStateTables(db: Database, options: { runLockHeld?: boolean } = {}): Promise<void> {
  const version = await readStateVersion(db);
  if (version && version.unknown.length > 0) throw newerStateError(db, version.unknown);
  if (version && version.pending.length === 0) return;
  const knex = await db.knex();
  const config = { migrationSource, tableName: migrationsTable };
  // Under the run lock no other safe-index run can be migrating: a set knex lock (`_lock.is_locked`) is
  // then what a run killed while it migrated left behind, and would stop every later one with
  // "Migration table is already locked". It is freed here; without the run lock it is left alone.
  if (options.runLockHeld) await knex.migrate.forceFreeMigrationsLock(config);
  try {
    await knex.migrate.latest(config);
  } catch (error) {
    if (!/already locked/i.test((error as Error).message)) throw error;
    throw new SafeIndexError(
      'state_locked',
      `the safe-index state tables in ${db.server.database} are marked as being created or upgraded (${migrationsTable}_lock), ` +
        'by a run that is still going or was killed while doing it. Nothing was changed. The next apply or rollback, which takes the run lock, clears a stale mark',
      { cause: error },
    );
  }
}

/**
 * Runs a read of the state tables. A newer safe-index may have migrated them: additive changes (new
 * tables or columns) are read as this build knows them; when the read fails and the tables are newer,
 * the error says so (code `state_newer`) instead of a raw SQL error.
 */
export async function readState<T>(db: Database, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const version = await readStateVersion(db).catch(() => null);
    if (!version || version.unknown.length === 0) throw error;
    throw new SafeIndexError(
      'state_newer',
      `the safe-index state tables in ${db.server.database} were changed by a newer safe-index (migrations ${version.unknown.join(', ')}) ` +
        `in a way this version (${toolLabel()}) cannot read: ${(error as Error).message}. Upgrade safe-index`,
      { cause: error },
    );
  }
}

/** Whether the state tables exist yet (read-only commands do not create them). */
export async function stateTablesExist(db: Database): Promise<boolean> {
  return tableExists(db, stepsTable);
}
