import type { Node } from 'libpg-query';
import { createdBefore } from '../relation-key.js';
import type { PostgresFile } from '../source/parsed-file.js';
import type { FileFacts, LintRunOptions, LockWait } from '../types.js';
import { addedKeyConstraints, alterTableCommands, nodeAs, relationKey } from './ast.js';
import { atLeast, type LockMode, relationLocks, relationObjects } from './locks.js';

/** A relation the file itself creates, and whether it is a partitioned table. */
export interface CreatedTable {
  key: string;
  /** `table` for CREATE TABLE and CREATE TABLE AS (and their new names after a rename). */
  kind: 'table' | 'other';
  partitioned: boolean;
  statement: number;
}

/** The relation a statement creates: table, CREATE TABLE AS, materialized view, view, sequence. */
function createdRelation(node: Node): Omit<CreatedTable, 'statement'> | undefined {
  const create = nodeAs(node, 'CreateStmt');
  const table = relationKey(create?.relation ?? nodeAs(node, 'CreateTableAsStmt')?.into?.rel);
  if (table) return { key: table, kind: 'table', partitioned: Boolean(create?.partspec) };
  const view = nodeAs(node, 'ViewStmt');
  const other = relationKey(nodeAs(node, 'CreateSeqStmt')?.sequence ?? (view && !view.replace ? view.view : undefined));
  return other ? { key: other, kind: 'other', partitioned: false } : undefined;
}

/**
 * Relations the file creates, in order: nobody else can be using them yet. Besides CREATE statements,
 * an index built on such a table, and the new name such a relation is renamed to.
 */
export function createdRelations(file: PostgresFile): CreatedTable[] {
  const created: CreatedTable[] = [];
  file.statements.forEach((statement, index) => {
    const node = statement.ast;
    const relation = createdRelation(node);
    if (relation) created.push({ ...relation, statement: index });
    const build = nodeAs(node, 'IndexStmt');
    if (build?.idxname && createdBefore(created, relationKey(build.relation), index)) {
      const schema = build.relation?.schemaname;
      const key = schema ? `${schema}.${build.idxname}` : build.idxname;
      created.push({ key, kind: 'other', partitioned: false, statement: index });
    }
    const rename = nodeAs(node, 'RenameStmt');
    const renamed = createdBefore(created, relationKey(rename?.relation), index);
    if (rename?.newname && renamed && relationObjects.has(rename.renameType ?? '')) {
      const schema = rename.relation?.schemaname;
      created.push({ ...renamed, key: schema ? `${schema}.${rename.newname}` : rename.newname, statement: index });
    }
  });
  return created;
}

/** Tables created by CREATE TABLE / CREATE TABLE AS in the file (or renamed from one), in order. */
export function createdTables(file: PostgresFile): CreatedTable[] {
  return createdRelations(file).filter((relation) => relation.kind === 'table');
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

/** What a statement does to the session's lock_timeout: set it non-zero, zero it, or nothing. */
function lockTimeoutChange(node: Node): { to: boolean; local: boolean } | undefined {
  const set = nodeAs(node, 'VariableSetStmt');
  if (set?.kind === 'VAR_RESET_ALL') return { to: false, local: false };
  if (set?.name !== 'lock_timeout') return undefined;
  if (set.kind === 'VAR_SET_DEFAULT' || set.kind === 'VAR_RESET') return { to: false, local: Boolean(set.is_local) };
  if (set.kind !== 'VAR_SET_VALUE') return undefined;
  const value = nodeAs(set.args?.[0], 'A_Const');
  const text = value?.sval?.sval ?? String(value?.ival?.ival ?? 0);
  return { to: !/^0+(ms|s|min)?$/.test(text.trim()), local: Boolean(set.is_local) };
}

/**
 * For each statement, whether a non-zero lock_timeout is in force when it runs. The session starts
 * with the server default (0: wait for ever). `SET LOCAL` lasts until the end of its transaction and
 * does nothing outside one; a ROLLBACK undoes a `SET` made inside the transaction.
 */
export function lockTimeoutStates(file: PostgresFile, assumeInTransaction: boolean): boolean[] {
  const inTransaction = transactionStates(file, assumeInTransaction);
  let session = false;
  let sessionAtBegin = false;
  let local: boolean | undefined;
  return file.statements.map((statement, index) => {
    const kind = nodeAs(statement.ast, 'TransactionStmt')?.kind;
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') sessionAtBegin = session;
    if (kind === 'TRANS_STMT_ROLLBACK') session = sessionAtBegin;
    if (!inTransaction[index]) local = undefined;
    const change = lockTimeoutChange(statement.ast);
    if (change?.local && inTransaction[index]) local = change.to;
    else if (change && !change.local) {
      session = change.to;
      local = undefined;
    }
    return local ?? session;
  });
}

/** What queues behind a statement waiting for `mode`: ACCESS EXCLUSIVE conflicts with reads, SHARE and up with writes. */
function blockedBy(mode: LockMode): LockWait['blocks'] {
  if (mode === 'ACCESS EXCLUSIVE') return 'every query';
  return atLeast(mode, 'SHARE') ? 'every write' : 'every other schema change';
}

/** Every lock a statement takes on a relation the file did not create earlier. */
function lockWaits(file: PostgresFile, timeouts: boolean[]): LockWait[] {
  const created = createdRelations(file);
  return file.statements.flatMap((statement, index) =>
    relationLocks(statement.ast).flatMap((lock): LockWait[] => {
      if (lock.relation !== '*' && createdBefore(created, lock.relation, index)) return [];
      if (!atLeast(lock.mode, 'SHARE UPDATE EXCLUSIVE')) return [];
      const because = lock.because ? { because: lock.because } : {};
      return [
        {
          statement: index,
          relation: lock.relation,
          ...because,
          lock: lock.mode,
          blocks: blockedBy(lock.mode),
          timeoutInForce: timeouts[index]!,
        },
      ];
    }),
  );
}

/** The family-neutral facts the shared rules read. */
export function postgresFacts(file: PostgresFile, options: LintRunOptions): FileFacts {
  const tables = createdTables(file);
  const timeouts = lockTimeoutStates(file, options.assumeInTransaction);
  const facts: FileFacts = { indexCreations: [], lockWaits: lockWaits(file, timeouts) };
  file.statements.forEach((statement, index) => {
    const node = statement.ast;
    const table = targetTable(node);
    const onNewTable = Boolean(createdBefore(tables, table, index));
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
