import { flavorFeatures } from '../../dialects/mysql/flavor.js';
import { lintedServer } from '../dialect.js';
import { createdBefore } from '../relation-key.js';
import type { MysqlFile } from '../source/parsed-file.js';
import type { FileFacts, LockWait } from '../types.js';
import { alterClauses, type MysqlAst, type MysqlTableRef, tableKeyOf } from './ast.js';

/** One index a statement adds or drops. */
export interface IndexChange {
  action: 'add' | 'drop';
  name: string | undefined;
  /** `fulltext`, `spatial`, `unique`, `primary` or `plain`. */
  kind: 'plain' | 'unique' | 'primary' | 'fulltext' | 'spatial';
}

/** What a table-changing statement (ALTER TABLE, CREATE INDEX, DROP INDEX) does and how. */
export interface TableChange {
  statement: number;
  table: string;
  /** The table was created earlier in the same file. */
  onNewTable: boolean;
  indexChanges: IndexChange[];
  /** ALGORITHM and LOCK as written (upper case), undefined when absent. */
  algorithm: string | undefined;
  lock: string | undefined;
}

function kindOf(keyword: string | null | undefined, constraintType?: string): IndexChange['kind'] {
  const text = `${constraintType ?? ''} ${keyword ?? ''}`.toLowerCase();
  if (text.includes('primary')) return 'primary';
  if (text.includes('unique')) return 'unique';
  if (text.includes('fulltext')) return 'fulltext';
  if (text.includes('spatial')) return 'spatial';
  return 'plain';
}

function indexChangesOf(ast: MysqlAst): IndexChange[] {
  if (ast.type === 'create' && ast.keyword === 'index') {
    return [{ action: 'add', name: ast.index ?? undefined, kind: kindOf(ast.index_type) }];
  }
  if (ast.type === 'drop' && ast.keyword === 'index') {
    const name = ast.name?.column;
    return [{ action: 'drop', name, kind: name?.toUpperCase() === 'PRIMARY' ? 'primary' : 'plain' }];
  }
  return alterClauses(ast).flatMap((clause): IndexChange[] => {
    if (clause.action === 'add' && clause.resource === 'index') {
      return [{ action: 'add', name: clause.index ?? undefined, kind: kindOf(clause.keyword) }];
    }
    const definition = clause.create_definitions;
    if (clause.action === 'add' && clause.resource === 'constraint' && definition) {
      const kind = kindOf(undefined, definition.constraint_type);
      if (kind !== 'unique' && kind !== 'primary') return [];
      return [{ action: 'add', name: definition.index ?? definition.constraint ?? undefined, kind }];
    }
    if (clause.action === 'drop' && (clause.resource === 'index' || clause.resource === 'key')) {
      const primary = clause.keyword === 'primary key';
      return [
        {
          action: 'drop',
          name: primary ? 'PRIMARY' : (clause.index ?? clause.key),
          kind: primary ? 'primary' : 'plain',
        },
      ];
    }
    return [];
  });
}

function optionsOf(ast: MysqlAst): { algorithm: string | undefined; lock: string | undefined } {
  const options = [...alterClauses(ast), ...(ast.options ?? [])];
  if (ast.algorithm_option) options.push(ast.algorithm_option);
  if (ast.lock_option) options.push(ast.lock_option);
  const algorithm = options.find((o) => o.resource === 'algorithm')?.algorithm?.toUpperCase();
  const lock = options.find((o) => o.resource === 'lock')?.lock?.toUpperCase();
  return { algorithm, lock };
}

/** Tables and views created by CREATE TABLE / CREATE VIEW in the file, with the statement that created each. */
export function createdTables(file: MysqlFile): Array<{ key: string; statement: number }> {
  return file.statements.flatMap((statement, index) => {
    const { ast } = statement;
    const creates = ast.type === 'create' && (ast.keyword === 'table' || (ast.keyword === 'view' && !ast.replace));
    const key = creates ? (tableKeyOf(ast) ?? viewKey(ast)) : undefined;
    return key ? [{ key, statement: index }] : [];
  });
}

function refKey(ref: MysqlTableRef | null | undefined): string | undefined {
  if (!ref?.table) return undefined;
  return (ref.db ? `${ref.db}.${ref.table}` : ref.table).toLowerCase();
}

function viewKey(ast: MysqlAst): string | undefined {
  return ast.view ? refKey({ db: ast.view.db ?? null, table: ast.view.view }) : undefined;
}

/** Tables a statement's FOREIGN KEY / REFERENCES clauses name (anywhere in its AST). */
function referencedTables(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(referencedTables);
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const reference = record.reference_definition as { table?: MysqlTableRef[] } | undefined;
  const own = (reference?.table ?? []).flatMap((ref) => refKey(ref) ?? []);
  return [...own, ...Object.values(record).flatMap(referencedTables)];
}

/**
 * The tables (and views) other than an ALTER/CREATE INDEX/DROP INDEX target whose metadata lock a
 * statement must wait for: DROP TABLE/VIEW, TRUNCATE, RENAME TABLE, CREATE/DROP TRIGGER, CREATE OR
 * REPLACE VIEW, LOCK TABLES, and (MySQL 8+) the tables a new foreign key references.
 */
function otherLocks(ast: MysqlAst, foreignKeyLocksParent: boolean): Array<{ relation: string; because?: string }> {
  const names = (list: unknown) =>
    Array.isArray(list) ? (list as MysqlTableRef[]).flatMap((ref) => refKey(ref) ?? []) : [];
  const referenced = foreignKeyLocksParent
    ? referencedTables(ast).map((relation) => ({ relation, because: 'referenced by a foreign key' }))
    : [];
  const on = (relations: string[]) => relations.map((relation) => ({ relation }));
  const listed: unknown = (ast as { name?: unknown }).name; // a list for DROP TABLE/VIEW/TRIGGER, TRUNCATE
  if (ast.type === 'drop' && (ast.keyword === 'table' || ast.keyword === 'view')) return on(names(listed));
  if (ast.type === 'drop' && ast.keyword === 'trigger') {
    const triggers = Array.isArray(listed) ? (listed as Array<{ trigger?: string }>) : [];
    return triggers.map((trigger) => ({ relation: `the table of trigger ${trigger.trigger ?? ''}` }));
  }
  if (ast.type === 'truncate') return on(names(listed));
  if (ast.type === 'rename' && Array.isArray(ast.table)) {
    return on((ast.table as unknown as MysqlTableRef[][]).flatMap((pair) => refKey(pair[0]) ?? []));
  }
  if (ast.type === 'create' && ast.keyword === 'trigger') return on([tableKeyOf(ast)].flatMap((k) => k ?? []));
  if (ast.type === 'create' && ast.keyword === 'view' && ast.replace) return on([viewKey(ast)].flatMap((k) => k ?? []));
  if (ast.type === 'lock' && Array.isArray(ast.tables)) {
    return on((ast.tables as Array<{ table: MysqlTableRef }>).flatMap((entry) => refKey(entry.table) ?? []));
  }
  if (ast.type === 'create' && ast.keyword === 'table') return referenced;
  if (ast.type === 'alter') return referenced;
  return [];
}

/** Every ALTER TABLE, CREATE INDEX and DROP INDEX of the file, with its index changes and options. */
export function tableChanges(file: MysqlFile): TableChange[] {
  const created = createdTables(file);
  return file.statements.flatMap((statement, index): TableChange[] => {
    const { ast } = statement;
    const isIndexDdl = (ast.type === 'create' || ast.type === 'drop') && ast.keyword === 'index';
    if (ast.type !== 'alter' && !isIndexDdl) return [];
    const table = tableKeyOf(ast);
    if (!table) return [];
    const onNewTable = createdBefore(created, table, index) !== undefined;
    return [{ statement: index, table, onNewTable, indexChanges: indexChangesOf(ast), ...optionsOf(ast) }];
  });
}

function setsLockWaitTimeout(ast: MysqlAst): boolean {
  if (ast.type !== 'set' || !Array.isArray(ast.expr)) return false;
  return ast.expr.some((item: { left?: { name?: string; members?: string[] }; right?: { value?: unknown } }) => {
    const name = [item.left?.name, ...(item.left?.members ?? [])].join('.').toLowerCase();
    const named = name === 'lock_wait_timeout' || name === 'session.lock_wait_timeout';
    return named && Number(item.right?.value) > 0;
  });
}

/** The family-neutral facts the shared rules read. */
export function mysqlFacts(file: MysqlFile): FileFacts {
  const facts: FileFacts = { indexCreations: [], lockWaits: [] };
  const timeoutSetAt = file.statements.findIndex((statement) => setsLockWaitTimeout(statement.ast));
  const timeoutInForce = (statement: number) => timeoutSetAt >= 0 && timeoutSetAt < statement;
  // every ALTER TABLE / CREATE INDEX / DROP INDEX, online or not, and the statements of otherLocks take an
  // exclusive metadata lock at least at their start and end; every query on the table waits behind a waiting one
  const wait = (statement: number, relation: string, because?: string): LockWait => ({
    statement,
    relation,
    ...(because ? { because } : {}),
    lock: 'exclusive metadata',
    blocks: 'every query',
    timeoutInForce: timeoutInForce(statement),
  });
  for (const change of tableChanges(file)) {
    if (!change.onNewTable) facts.lockWaits.push(wait(change.statement, change.table));
    for (const index of change.indexChanges) {
      if (index.action !== 'add') continue;
      facts.indexCreations.push({
        statement: change.statement,
        name: index.name,
        table: change.table,
        unique: index.kind === 'unique' || index.kind === 'primary',
        onNewTable: change.onNewTable,
      });
    }
  }
  const created = createdTables(file);
  const { foreignKeyLocksParent } = flavorFeatures(lintedServer(file.dialect));
  file.statements.forEach((statement, index) => {
    for (const lock of otherLocks(statement.ast, foreignKeyLocksParent)) {
      if (!createdBefore(created, lock.relation, index)) facts.lockWaits.push(wait(index, lock.relation, lock.because));
    }
  });
  facts.lockWaits.sort((a, b) => a.statement - b.statement);
  return facts;
}
