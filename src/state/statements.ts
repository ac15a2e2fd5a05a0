import type { Database, Row } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';

// The tool's own state tables are read and written with plain statements through the driver; knex is
// loaded only to run a migration (see migrate.ts). Names are the tool's constants, quoted all the same.

/** A value bound to a `?` placeholder: a column's value, or null. */
export type Value = string | number | boolean | Date | null;

/** Quotes a table or column name of the state tables (constants, quoted all the same). */
export function column(db: Database, name: string): string {
  return dialectOf(db).quoteIdent(name);
}

/** `"a" = ?, "b" = ?` and the values, for the columns of `values` (in their order). */
function assignments(db: Database, values: Record<string, Value>, separator: string): [string, Value[]] {
  const columns = Object.keys(values);
  return [columns.map((name) => `${column(db, name)} = ?`).join(separator), columns.map((name) => values[name]!)];
}

/** Inserts rows that all have the same columns, in one statement. */
export async function insertRows(db: Database, table: string, rows: readonly Record<string, Value>[]): Promise<void> {
  const [sql, bindings] = insertStatement(db, table, rows);
  if (sql) await db.query(sql, bindings);
}

/** Inserts one row into a table with a generated `id`; returns that id. */
export async function insertRow(db: Database, table: string, row: Record<string, Value>): Promise<number> {
  const [sql, bindings] = insertStatement(db, table, [row]);
  return db.insert(sql, bindings);
}

function insertStatement(db: Database, table: string, rows: readonly Record<string, Value>[]): [string, Value[]] {
  const columns = Object.keys(rows[0] ?? {});
  if (columns.length === 0) return ['', []];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql =
    `insert into ${column(db, table)} (${columns.map((name) => column(db, name)).join(', ')}) ` +
    `values ${rows.map(() => tuple).join(', ')}`;
  return [sql, rows.flatMap((row) => columns.map((column) => row[column] ?? null))];
}

/** Updates the rows matching every column of `where` (equality) with `set`; nothing is sent when `set` is empty. */
export async function updateRows(
  db: Database,
  table: string,
  set: Record<string, Value>,
  where: Record<string, Value>,
): Promise<void> {
  if (Object.keys(set).length === 0) return;
  const [assign, values] = assignments(db, set, ', ');
  const [condition, keys] = assignments(db, where, ' and ');
  await db.query(`update ${column(db, table)} set ${assign} where ${condition}`, [...values, ...keys]);
}

/** Every column of the rows of `table` matching `where` (SQL after `where`, with `?` placeholders), in `order`. */
export async function selectRows(
  db: Database,
  table: string,
  clauses: { where?: string; bindings?: readonly Value[]; order?: string; limit?: number } = {},
): Promise<Row[]> {
  const { where, bindings = [], order, limit } = clauses;
  const sql =
    `select * from ${column(db, table)}` +
    (where ? ` where ${where}` : '') +
    (order ? ` order by ${order}` : '') +
    (limit !== undefined ? ` limit ${Math.trunc(limit)}` : '');
  return db.query(sql, bindings);
}

/** Whether one of the tool's tables exists in the target's default schema (where the unqualified names resolve). */
export async function tableExists(db: Database, table: string): Promise<boolean> {
  const rows = await db.query(
    'select 1 as found from information_schema.tables where table_schema = ? and table_name = ?',
    [db.server.defaultSchema, table],
  );
  return rows.length > 0;
}
