import type { Database } from '../connection/database.js';
import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import type { Dialect } from '../dialects/types.js';
import { SafeIndexError } from '../errors.js';
import { findTable, type TableRef } from '../model/schema.js';
import { type ExportedIndex, exportedIndexOf, type SkippedIndex, unexportableReason } from './entry.js';

/** Prefix of the tool's own state tables, which are never exported. */
const stateTablePrefix = 'safe_index_';

/** What to export: where to connect and which tables (default: every table of the schema with indexes). */
export interface ExportRequest extends TargetOptions {
  /** Table names in the connection's default schema. */
  tables?: string[];
}

/** The live indexes as plan entries, and the ones left out with the reason. */
export interface ExportResult {
  dialect: string;
  serverVersion: string;
  /** Target as it may be printed (no password). */
  target: string;
  /** Schema (PG) or database (MySQL) the tables were read from. */
  schema: string;
  indexes: ExportedIndex[];
  skipped: SkippedIndex[];
}

/** Reads the live indexes of the tables on an open connection and turns them into plan entries. */
async function exportIndexes(
  db: Database,
  dialect: Dialect,
  tableNames: readonly string[] = [],
): Promise<ExportResult> {
  const schema = db.server.defaultSchema;
  const refs: TableRef[] =
    tableNames.length > 0
      ? tableNames.map((name) => ({ schema, name }))
      : (await dialect.listIndexedTables(db, schema)).filter((ref) => !ref.name.startsWith(stateTablePrefix));
  const live = await dialect.introspect(db, refs);
  const missing = refs.filter((ref) => !findTable(live, ref)).map((ref) => ref.name);
  if (missing.length > 0) {
    throw new SafeIndexError('table_not_found', `table not found in ${schema}: ${missing.join(', ')}`);
  }
  const indexes: ExportedIndex[] = [];
  const skipped: SkippedIndex[] = [];
  for (const ref of refs) {
    for (const index of findTable(live, ref)!.indexes) {
      const reason = unexportableReason(index);
      if (reason) skipped.push({ schema: ref.schema, table: ref.name, index: index.name, reason });
      else indexes.push(exportedIndexOf(index, schema));
    }
  }
  return {
    dialect: db.server.dialect,
    serverVersion: db.server.version,
    target: db.target.display,
    schema,
    indexes,
    skipped,
  };
}

/** Connects and exports the live indexes of the named tables (or of every table that has indexes). */
export async function exportPlan(request: ExportRequest): Promise<ExportResult> {
  return withDatabase(request, (db, dialect) => exportIndexes(db, dialect, request.tables ?? []));
}
