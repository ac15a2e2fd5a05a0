import type { Node } from 'libpg-query';
import { createdBefore } from '../relation-key.js';
import type { PostgresFile } from '../source/parsed-file.js';
import type { FileFacts } from '../types.js';
import { addedKeyConstraints, alterTableCommands, nodeAs, relationKey } from './ast.js';

/** A table the file itself creates, and whether it is partitioned. */
export interface CreatedTable {
  key: string;
  partitioned: boolean;
  statement: number;
}

/** Tables created by CREATE TABLE / CREATE TABLE AS in the file, in order. */
export function createdTables(file: PostgresFile): CreatedTable[] {
  return file.statements.flatMap((statement, index) => {
    const create = nodeAs(statement.ast, 'CreateStmt');
    const key = relationKey(create?.relation ?? nodeAs(statement.ast, 'CreateTableAsStmt')?.into?.rel);
    return key ? [{ key, partitioned: Boolean(create?.partspec), statement: index }] : [];
  });
}

/** For each statement, whether it runs inside a transaction block. */
export function transactionStates(file: PostgresFile, assumeInTransaction: boolean): boolean[] {
  let inTransaction = assumeInTransaction;
  return file.statements.map((statement) => {
    const kind = nodeAs(statement.ast, 'TransactionStmt')?.kind;
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inTransaction = true;
    if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') {
      inTransaction = false;
    }
    return inTransaction;
  });
}

/** The table an ALTER TABLE, CREATE INDEX or REINDEX TABLE statement works on. */
export function targetTable(node: Node): string | undefined {
  return relationKey(
    nodeAs(node, 'AlterTableStmt')?.relation ??
      nodeAs(node, 'IndexStmt')?.relation ??
      nodeAs(node, 'RenameStmt')?.relation ??
      nodeAs(node, 'ReindexStmt')?.relation,
  );
}

function setsLockTimeout(node: Node): boolean {
  const set = nodeAs(node, 'VariableSetStmt');
  if (set?.name !== 'lock_timeout' || set.kind !== 'VAR_SET_VALUE') return false;
  const value = nodeAs(set.args?.[0], 'A_Const');
  const text = value?.sval?.sval ?? String(value?.ival?.ival ?? 0);
  return !/^0+(ms|s|min)?$/.test(text.trim());
}

const lockingTypes = ['IndexStmt', 'DropStmt', 'AlterTableStmt', 'ReindexStmt', 'RenameStmt'];

/** The family-neutral facts the shared rules read. */
export function postgresFacts(file: PostgresFile): FileFacts {
  const tables = createdTables(file);
  const facts: FileFacts = { indexCreations: [], lockingStatements: [], lockTimeoutStatements: [] };
  file.statements.forEach((statement, index) => {
    const node = statement.ast;
    const table = targetTable(node);
    const onNewTable = Boolean(createdBefore(tables, table, index));
    if (setsLockTimeout(node)) facts.lockTimeoutStatements.push(index);
    const drop = nodeAs(node, 'DropStmt');
    const locksTable = lockingTypes.some((type) => type in node) && !onNewTable;
    if (locksTable && (!drop || drop.removeType === 'OBJECT_INDEX' || drop.removeType === 'OBJECT_TABLE')) {
      facts.lockingStatements.push(index);
    }
    const create = nodeAs(node, 'IndexStmt');
    if (create && table) {
      facts.indexCreations.push({
        statement: index,
        name: create.idxname,
        table,
        unique: Boolean(create.unique),
        onNewTable,
      });
    }
    for (const command of alterTableCommands(node)) {
      for (const constraint of addedKeyConstraints(command)) {
        if (constraint.indexname || !table) continue;
        facts.indexCreations.push({ statement: index, name: constraint.conname, table, unique: true, onNewTable });
      }
    }
  });
  return facts;
}
