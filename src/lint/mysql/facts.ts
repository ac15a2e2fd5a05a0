import { createdBefore } from '../relation-key.js';
import type { MysqlFile } from '../source/parsed-file.js';
import type { FileFacts } from '../types.js';
import { alterClauses, type MysqlAst, tableKeyOf } from './ast.js';

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

/** Tables created by CREATE TABLE in the file, with the statement that created each. */
export function createdTables(file: MysqlFile): Array<{ key: string; statement: number }> {
  return file.statements.flatMap((statement, index) => {
    const key =
      statement.ast.type === 'create' && statement.ast.keyword === 'table' ? tableKeyOf(statement.ast) : undefined;
    return key ? [{ key, statement: index }] : [];
  });
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
  for (const change of tableChanges(file)) {
    if (!change.onNewTable) {
      // every ALTER TABLE / CREATE INDEX / DROP INDEX, online or not, takes an exclusive metadata lock
      // at least at its start and end, and every query on the table waits behind a waiting one
      facts.lockWaits.push({
        statement: change.statement,
        relation: change.table,
        lock: 'exclusive metadata',
        blocks: 'every query',
        timeoutInForce: timeoutSetAt >= 0 && timeoutSetAt < change.statement,
      });
    }
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
  return facts;
}
