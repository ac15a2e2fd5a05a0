/**
 * The slice of node-sql-parser's MySQL AST the lint rules read. The library's published types do not
 * cover the ALTER options (ALGORITHM, LOCK) or index definitions, so the shapes are written down here.
 */

/** A table reference as node-sql-parser prints it. */
export interface MysqlTableRef {
  db?: string | null;
  table: string;
}

/** One clause of an ALTER TABLE (`ADD INDEX`, `DROP KEY`, `ALGORITHM=...`, `LOCK=...`, ...). */
export interface MysqlAlterClause {
  action?: string;
  resource?: string;
  keyword?: string | null;
  index?: string | null;
  key?: string;
  algorithm?: string;
  lock?: string;
  create_definitions?: {
    constraint?: string | null;
    constraint_type?: string;
    index?: string | null;
  };
}

/** An option node (`ALGORITHM=INPLACE`, `LOCK=NONE`) of CREATE INDEX or DROP INDEX. */
export interface MysqlOption {
  resource?: string;
  algorithm?: string;
  lock?: string;
}

/** A statement AST; only the fields the rules read are typed. */
export interface MysqlAst {
  type: string;
  keyword?: string | null;
  table?: MysqlTableRef | MysqlTableRef[] | null;
  expr?: unknown;
  index?: string | null;
  index_type?: string | null;
  algorithm_option?: MysqlOption | null;
  lock_option?: MysqlOption | null;
  options?: MysqlOption[] | null;
  /** DROP INDEX: the index (DROP TABLE/VIEW, TRUNCATE and DROP TRIGGER hold a list here: see `listedNames`). */
  name?: { column?: string } | null;
  /** CREATE VIEW: the view; `replace` is set for CREATE OR REPLACE. */
  view?: { db?: string | null; view: string } | null;
  replace?: string | null;
  /** LOCK TABLES. */
  tables?: Array<{ table: MysqlTableRef }> | null;
}

/** The ALTER TABLE clauses of a statement (empty for anything else). */
export function alterClauses(ast: MysqlAst): MysqlAlterClause[] {
  return ast.type === 'alter' && Array.isArray(ast.expr) ? (ast.expr as MysqlAlterClause[]) : [];
}

/** The first table a statement names, as `db.table` or `table`, lower-cased. */
export function tableKeyOf(ast: MysqlAst): string | undefined {
  const ref = Array.isArray(ast.table) ? ast.table[0] : ast.table;
  if (!ref?.table) return undefined;
  return (ref.db ? `${ref.db}.${ref.table}` : ref.table).toLowerCase();
}
