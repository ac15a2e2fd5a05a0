import type { Database, Row } from '../../connection/database.js';
import { Index } from '../../model/index-model.js';
import {
  type LiveColumn,
  LiveIndex,
  type LiveSchema,
  type LiveTable,
  type TableRef,
  tableKey,
} from '../../model/schema.js';
import { renderKeyLine } from './definition.js';
import { isInnodb, storageEngine } from './engine.js';
import type { FlavorFeatures } from './flavor.js';
import { qualifiedTable } from './identifiers.js';
import { groupByIndex, type IndexPartRow, indexFromParts, isPrimaryKey, partFromRow } from './index-reader.js';
import { inServerKeyOrder, shareAClass } from './key-order.js';

/** A `WHERE` filter for a list of tables: the schemas (so the server opens only their folders) and the pairs. */
export interface TableFilter {
  sql: string;
  bindings: string[];
}

/** The filter for `tables` on the given schema and table columns, with its bindings. */
export function tableFilter(tables: readonly TableRef[], schemaColumn: string, tableColumn: string): TableFilter {
  const schemas = [...new Set(tables.map((table) => table.schema))];
  const schemaList = schemas.map(() => '?').join(',');
  const pairList = tables.map(() => '(?,?)').join(',');
  return {
    sql: `${schemaColumn} in (${schemaList}) and (${schemaColumn}, ${tableColumn}) in (${pairList})`,
    bindings: [...schemas, ...tables.flatMap((table) => [table.schema, table.name])],
  };
}

/**
 * Above this many tables a per-table UNION costs more than opening the schemas' tables once (measured on
 * MariaDB 10.11, a schema of 10,000 tables: 100 tables 3 ms against 48 ms, 500 tables 107 ms against 48 ms).
 */
const perTableLookupLimit = 100;

/** One catalog statement over `tables`: `select` (up to its FROM) with the table filter, then `rest`. */
export interface CatalogQuery {
  /** The SELECT and FROM clauses. */
  select: string;
  schemaColumn: string;
  tableColumn: string;
  /** More conditions, each branch: `and ...`. */
  and?: string;
  /** After the whole statement, e.g. `order by table_schema` (output column names). */
  orderBy?: string;
}

/**
 * The statement of `query` for `tables`: one SELECT with a list filter, or, where the server would open
 * every table of the schema for that (`catalogLookupPerTable`) and the tables are few, a UNION ALL of one
 * branch per table that names it by equality. One statement either way.
 */
export function catalogStatement(
  query: CatalogQuery,
  tables: readonly TableRef[],
  features: Pick<FlavorFeatures, 'catalogLookupPerTable'>,
): TableFilter {
  const and = query.and ? ` ${query.and}` : '';
  const orderBy = query.orderBy ? ` order by ${query.orderBy}` : '';
  if (!features.catalogLookupPerTable || tables.length > perTableLookupLimit) {
    const filter = tableFilter(tables, query.schemaColumn, query.tableColumn);
    return { sql: `${query.select} where ${filter.sql}${and}${orderBy}`, bindings: filter.bindings };
  }
  const branch = `${query.select} where ${query.schemaColumn} = ? and ${query.tableColumn} = ?${and}`;
  return {
    sql: `${tables.map(() => branch).join(' union all ')}${orderBy}`,
    bindings: tables.flatMap((table) => [table.schema, table.name]),
  };
}

/** Flavor-specific STATISTICS columns: only those that exist on this server. */
function visibilityColumns(features: FlavorFeatures): string {
  const columns: string[] = [];
  if (features.invisibleIndex === 'ignored') columns.push('IGNORED as Ignored');
  if (features.invisibleIndex === 'invisible') columns.push('IS_VISIBLE as Visible');
  if (features.expressionKeyParts) columns.push('EXPRESSION as Expression');
  return columns.map((column) => `, ${column}`).join('');
}

/** The parallel index build settings (MySQL 8.0.27+), read in the same query as the tables. */
const buildSettingNames = ['innodb_ddl_threads', 'innodb_ddl_buffer_size', 'innodb_parallel_read_threads'];

function buildSettingColumns(features: FlavorFeatures): string {
  if (!features.parallelIndexBuild) return '';
  return buildSettingNames.map((name) => `, @@${name} as ${name}`).join('');
}

function buildSettingsOf(row: Row): string | undefined {
  if (row.innodb_ddl_threads === undefined || row.innodb_ddl_threads === null) return undefined;
  return buildSettingNames.map((name) => `${name}=${String(row[name])}`).join(', ');
}

type Tables = readonly TableRef[];

async function run(db: Database, query: CatalogQuery, tables: Tables, features: FlavorFeatures): Promise<Row[]> {
  const statement = catalogStatement(query, tables, features);
  return db.query(statement.sql, statement.bindings);
}

async function readTables(db: Database, tables: Tables, features: FlavorFeatures): Promise<Row[]> {
  const select = `select TABLE_SCHEMA as table_schema, TABLE_NAME as table_name, ENGINE as engine, TABLE_ROWS as table_rows,
       DATA_LENGTH as data_length, INDEX_LENGTH as index_length, CREATE_OPTIONS as create_options${buildSettingColumns(features)}
     from information_schema.TABLES`;
  return run(db, { select, schemaColumn: 'TABLE_SCHEMA', tableColumn: 'TABLE_NAME' }, tables, features);
}

async function readColumns(db: Database, tables: Tables, features: FlavorFeatures): Promise<Row[]> {
  const select = `select c.TABLE_SCHEMA as table_schema, c.TABLE_NAME as table_name, c.COLUMN_NAME as column_name,
       c.COLUMN_TYPE as column_type, c.DATA_TYPE as data_type, c.IS_NULLABLE as is_nullable, c.EXTRA as extra,
       c.CHARACTER_MAXIMUM_LENGTH as character_length, cs.MAXLEN as max_bytes, c.ORDINAL_POSITION as ordinal_position
     from information_schema.COLUMNS c
     left join information_schema.CHARACTER_SETS cs on cs.CHARACTER_SET_NAME = c.CHARACTER_SET_NAME`;
  return run(
    db,
    {
      select,
      schemaColumn: 'c.TABLE_SCHEMA',
      tableColumn: 'c.TABLE_NAME',
      orderBy: 'table_schema, table_name, ordinal_position',
    },
    tables,
    features,
  );
}

/**
 * Key parts: STATISTICS has no key position, but MariaDB lists each table's
 * keys in its key order (the order of SHOW CREATE TABLE), so the rows are not sorted. Columns are named as
 * SHOW INDEX names them, so one reader (`partFromRow`) serves both.
 */
async function readStatistics(db: Database, tables: Tables, features: FlavorFeatures): Promise<Row[]> {
  const select = `select TABLE_SCHEMA as table_schema, TABLE_NAME as table_name, INDEX_NAME as Key_name,
       SEQ_IN_INDEX as Seq_in_index, COLUMN_NAME as Column_name, COLLATION as Collation, SUB_PART as Sub_part,
       INDEX_TYPE as Index_type, NON_UNIQUE as Non_unique, INDEX_COMMENT as Index_comment${visibilityColumns(features)}
     from information_schema.STATISTICS`;
  return run(db, { select, schemaColumn: 'TABLE_SCHEMA', tableColumn: 'TABLE_NAME' }, tables, features);
}

async function readCascadingForeignKeys(db: Database, tables: Tables, features: FlavorFeatures): Promise<Row[]> {
  const select = `select distinct CONSTRAINT_SCHEMA as table_schema, TABLE_NAME as table_name
     from information_schema.REFERENTIAL_CONSTRAINTS`;
  const and = "and (DELETE_RULE in ('CASCADE', 'SET NULL') or UPDATE_RULE in ('CASCADE', 'SET NULL'))";
  return run(db, { select, schemaColumn: 'CONSTRAINT_SCHEMA', tableColumn: 'TABLE_NAME', and }, tables, features);
}

function keyOf(row: Row): string {
  return tableKey({ schema: String(row.table_schema), name: String(row.table_name) });
}

function generatedOf(extra: string): LiveColumn['generated'] {
  if (/VIRTUAL/i.test(extra)) return 'virtual';
  if (/STORED|PERSISTENT/i.test(extra)) return 'stored';
  return null;
}

function columnOf(row: Row): LiveColumn {
  const column: LiveColumn = {
    name: String(row.column_name),
    type: String(row.column_type),
    dataType: String(row.data_type).toLowerCase(),
    nullable: row.is_nullable === 'YES',
    generated: generatedOf(String(row.extra ?? '')),
  };
  if (row.character_length !== null && row.character_length !== undefined) {
    column.characterLength = Number(row.character_length);
  }
  if (row.max_bytes !== null && row.max_bytes !== undefined) column.bytesPerCharacter = Number(row.max_bytes);
  return column;
}

/**
 * MEMORY tables print `USING HASH|BTREE` only when the index declared it, which the catalog does not say;
 * their definitions are a best guess. (A COMMENT is printed, but the index model cannot carry it.)
 */
function declaredMethodUnknown(table: LiveTable): boolean {
  return ['memory', 'heap'].includes(storageEngine(table));
}

function liveIndexOf(table: LiveTable, parts: IndexPartRow[], features: FlavorFeatures): LiveIndex {
  const definition = new Index(indexFromParts(table.schema, table.name, parts));
  const { comment, visible } = parts[0]!;
  return new LiveIndex(definition, {
    valid: true,
    visible,
    constraint: isPrimaryKey(definition.name) ? 'primary' : null,
    definition: renderKeyLine(definition, features, { comment, visible }),
    partitioned: false,
    roundTrips: comment === '' && !declaredMethodUnknown(table),
  });
}

/**
 * Reads tables, columns, indexes and cascading foreign keys in four catalog queries, whatever their number;
 * each table's indexes come in SHOW CREATE TABLE order. On MySQL 8+, whose STATISTICS view is not in key
 * order, a table with two keys of one class (whose order only creation decides) costs one SHOW INDEX more.
 */
export async function introspectMysql(
  db: Database,
  tables: readonly TableRef[],
  features: FlavorFeatures,
): Promise<LiveSchema> {
  const schema: LiveSchema = { tables: new Map() };
  if (tables.length === 0) return schema;
  const [tableRows, columnRows, statisticRows, cascadeRows] = await Promise.all([
    readTables(db, tables, features),
    readColumns(db, tables, features),
    readStatistics(db, tables, features),
    readCascadingForeignKeys(db, tables, features),
  ]);
  const cascading = new Set(cascadeRows.map(keyOf));
  for (const row of tableRows) {
    const key = keyOf(row);
    schema.tables.set(key, {
      schema: String(row.table_schema),
      name: String(row.table_name),
      columns: [],
      indexes: [],
      estimatedRows: Number(row.table_rows ?? 0),
      totalBytes: Number(row.data_length ?? 0) + Number(row.index_length ?? 0),
      partitioned: /partitioned/i.test(String(row.create_options ?? '')),
      engine: row.engine === null ? undefined : String(row.engine),
      cascadingForeignKeys: cascading.has(key),
    });
    const table = schema.tables.get(key)!;
    table.clusteredPrimaryKey = isInnodb(table);
    const buildSettings = buildSettingsOf(row);
    if (buildSettings && isInnodb(table)) table.buildSettings = buildSettings;
  }
  for (const row of columnRows) schema.tables.get(keyOf(row))?.columns.push(columnOf(row));
  const partsByTable = new Map<string, IndexPartRow[]>();
  for (const row of statisticRows) {
    const key = keyOf(row);
    const parts = partsByTable.get(key);
    if (parts) parts.push(partFromRow(row));
    else partsByTable.set(key, [partFromRow(row)]);
  }
  for (const [key, parts] of partsByTable) {
    const table = schema.tables.get(key);
    if (!table) continue;
    const indexes = [...groupByIndex(parts).values()].map((group) => liveIndexOf(table, group, features));
    const listed =
      features.statisticsInKeyOrder || !shareAClass(indexes, table, features)
        ? indexes
        : await inShowIndexOrder(db, table, indexes);
    table.indexes = inServerKeyOrder(listed, table, features);
  }
  return schema;
}

/** The indexes in the order SHOW INDEX lists them, which is the server's key order (MySQL 8+). */
async function inShowIndexOrder(db: Database, table: TableRef, indexes: LiveIndex[]): Promise<LiveIndex[]> {
  const rows = await db.query(`SHOW INDEX FROM ${qualifiedTable(table.schema, table.name)}`);
  const order = [...new Set(rows.map((row) => String(row.Key_name)))];
  const position = (index: LiveIndex) => order.indexOf(index.name);
  return [...indexes].sort((a, b) => position(a) - position(b));
}
