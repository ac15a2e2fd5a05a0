import type { AlterTableCmd, Node, RangeVar } from 'libpg-query';
import { alterTableCommands, nodeAs, relationKey } from './ast.js';

/**
 * PostgreSQL's table-level lock modes, weakest first (PostgreSQL docs, "Explicit Locking", table-level
 * locks). Queries take the first three; schema changes take SHARE UPDATE EXCLUSIVE or stronger.
 */
export const lockModes = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

/** One table-level lock mode. */
export type LockMode = (typeof lockModes)[number];

/** A lock a statement takes on one relation. */
export interface RelationLock {
  /** `schema.name` or `name`; `*` for every relation of a schema or database (REINDEX SCHEMA, VACUUM). */
  relation: string;
  mode: LockMode;
  /** Why this relation is locked, when it is not the statement's own target (`referenced by a foreign key`). */
  because?: string;
}

/** Whether `mode` is at least `floor`. */
export function atLeast(mode: LockMode, floor: LockMode): boolean {
  return lockModes.indexOf(mode) >= lockModes.indexOf(floor);
}

function strongest(modes: LockMode[]): LockMode {
  return modes.reduce((a, b) => (atLeast(a, b) ? a : b), 'ACCESS SHARE');
}

/** `schema.name` of a dotted name list (`DROP VIEW a.b` → `a.b`). */
function dottedName(node: Node | undefined): string {
  return (nodeAs(node, 'List')?.items ?? []).map((item) => nodeAs(item, 'String')?.sval ?? '').join('.');
}

/** The table of a `name ON table` object (`DROP TRIGGER t ON a.b` is the list `[a, b, t]`). */
function tableOfSubobject(node: Node | undefined): string {
  const parts = (nodeAs(node, 'List')?.items ?? []).map((item) => nodeAs(item, 'String')?.sval ?? '');
  return parts.slice(0, -1).join('.');
}

/** `LOCK TABLE ... IN <mode> MODE`: the parser stores the mode as PostgreSQL's lock number (1-8). */
function lockStmtMode(mode: number | undefined): LockMode {
  return lockModes[(mode ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
}

/** Object types that are relations (tables, views, sequences, indexes). */
export const relationObjects: ReadonlySet<string> = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_INDEX',
]);
const subobjectsOfTables = new Set(['OBJECT_TRIGGER', 'OBJECT_POLICY', 'OBJECT_RULE']);

/** The lock one ALTER TABLE sub-command takes on the altered relation (PostgreSQL's AlterTableGetLockLevel). */
function alterCommandMode(command: AlterTableCmd): LockMode {
  switch (command.subtype) {
    case 'AT_AddConstraint':
      return nodeAs(command.def, 'Constraint')?.contype === 'CONSTR_FOREIGN'
        ? 'SHARE ROW EXCLUSIVE'
        : 'ACCESS EXCLUSIVE';
    case 'AT_ValidateConstraint':
    case 'AT_SetStatistics':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_AttachPartition':
      return 'SHARE UPDATE EXCLUSIVE';
    case 'AT_DetachPartition':
      return nodeAs(command.def, 'PartitionCmd')?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_EnableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrig':
    case 'AT_DisableTrigAll':
    case 'AT_DisableTrigUser':
      return 'SHARE ROW EXCLUSIVE';
    default:
      return 'ACCESS EXCLUSIVE';
  }
}

/** Tables a list of column or table constraints references with FOREIGN KEY (SHARE ROW EXCLUSIVE on each). */
function referencedTables(constraints: Node[] | undefined): RelationLock[] {
  return (constraints ?? []).flatMap((item) => {
    const constraint = nodeAs(item, 'Constraint');
    const key = constraint?.contype === 'CONSTR_FOREIGN' ? relationKey(constraint.pktable) : undefined;
    return key ? [{ relation: key, mode: 'SHARE ROW EXCLUSIVE' as const, because: 'referenced by a foreign key' }] : [];
  });
}

/** Foreign keys of the elements of a CREATE TABLE (column constraints and table constraints). */
function foreignKeysOf(elements: Node[] | undefined): RelationLock[] {
  return (elements ?? []).flatMap((element) => [
    ...referencedTables(nodeAs(element, 'ColumnDef')?.constraints),
    ...referencedTables(nodeAs(element, 'Constraint') ? [element] : []),
  ]);
}

function alterTableLocks(node: Node): RelationLock[] {
  const alter = nodeAs(node, 'AlterTableStmt');
  const target = relationKey(alter?.relation);
  if (!alter || !target) return [];
  const commands = alterTableCommands(node);
  const locks: RelationLock[] = [{ relation: target, mode: strongest(commands.map(alterCommandMode)) }];
  for (const command of commands) {
    if (command.subtype === 'AT_AddConstraint') locks.push(...referencedTables([command.def!]));
    if (command.subtype === 'AT_AddColumn')
      locks.push(...referencedTables(nodeAs(command.def, 'ColumnDef')?.constraints));
    const partition = relationKey(nodeAs(command.def, 'PartitionCmd')?.name);
    if (partition && alter.objtype === 'OBJECT_TABLE') {
      locks.push({ relation: partition, mode: 'ACCESS EXCLUSIVE', because: 'the partition attached or detached' });
    }
  }
  return locks;
}

function createTableLocks(node: Node): RelationLock[] {
  const create = nodeAs(node, 'CreateStmt');
  if (!create) return [];
  const parents = (create.inhRelations ?? []).flatMap((item): RelationLock[] => {
    const key = relationKey(nodeAs(item, 'RangeVar'));
    if (!key) return [];
    // CREATE TABLE ... PARTITION OF locks the parent ACCESS EXCLUSIVE; INHERITS takes SHARE UPDATE EXCLUSIVE
    return create.partbound
      ? [{ relation: key, mode: 'ACCESS EXCLUSIVE', because: 'the parent of the new partition' }]
      : [{ relation: key, mode: 'SHARE UPDATE EXCLUSIVE', because: 'the parent the new table inherits' }];
  });
  return [...parents, ...foreignKeysOf(create.tableElts)];
}

function dropLocks(node: Node): RelationLock[] {
  const drop = nodeAs(node, 'DropStmt');
  if (!drop?.removeType) return [];
  if (relationObjects.has(drop.removeType)) {
    const mode = drop.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    return (drop.objects ?? []).map((object) => ({ relation: dottedName(object), mode }));
  }
  if (subobjectsOfTables.has(drop.removeType)) {
    return (drop.objects ?? []).map((object) => ({ relation: tableOfSubobject(object), mode: 'ACCESS EXCLUSIVE' }));
  }
  return [];
}

function reindexLocks(node: Node): RelationLock[] {
  const reindex = nodeAs(node, 'ReindexStmt');
  if (!reindex) return [];
  const concurrent = (reindex.params ?? []).some((param) => nodeAs(param, 'DefElem')?.defname === 'concurrently');
  const key = relationKey(reindex.relation);
  if (!key) return [{ relation: '*', mode: concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' }];
  if (concurrent) return [{ relation: key, mode: 'SHARE UPDATE EXCLUSIVE' }];
  // REINDEX INDEX: ACCESS EXCLUSIVE on the index (SHARE on its table); REINDEX TABLE: SHARE on the table
  return [{ relation: key, mode: reindex.kind === 'REINDEX_OBJECT_INDEX' ? 'ACCESS EXCLUSIVE' : 'SHARE' }];
}

function commentLocks(node: Node): RelationLock[] {
  const comment = nodeAs(node, 'CommentStmt');
  if (!comment?.objtype) return [];
  if (relationObjects.has(comment.objtype))
    return [{ relation: dottedName(comment.object), mode: 'SHARE UPDATE EXCLUSIVE' }];
  if (
    comment.objtype === 'OBJECT_COLUMN' ||
    subobjectsOfTables.has(comment.objtype) ||
    comment.objtype === 'OBJECT_TABCONSTRAINT'
  ) {
    return [{ relation: tableOfSubobject(comment.object), mode: 'SHARE UPDATE EXCLUSIVE' }];
  }
  return [];
}

function vacuumLocks(node: Node): RelationLock[] {
  const vacuum = nodeAs(node, 'VacuumStmt');
  if (!vacuum) return [];
  const full = (vacuum.options ?? []).some((option) => nodeAs(option, 'DefElem')?.defname === 'full');
  const mode = vacuum.is_vacuumcmd && full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE';
  const relations = (vacuum.rels ?? []).map((rel) => relationKey(nodeAs(rel, 'VacuumRelation')?.relation) ?? '*');
  return (relations.length ? relations : ['*']).map((relation) => ({ relation, mode }));
}

function onRelation(relation: RangeVar | undefined, mode: LockMode): RelationLock[] {
  const key = relationKey(relation);
  return key ? [{ relation: key, mode }] : [];
}

/**
 * The table-level locks a statement takes on the relations it names, as PostgreSQL documents them
 * ("Explicit Locking" and each command's reference page), including tables a FOREIGN KEY references
 * and the table of a trigger, policy or rule. Statements that take no lock on a relation they name
 * (functions, types, enums, schemas, extensions, CREATE VIEW, CREATE TABLE AS, DML) return nothing.
 */
export function relationLocks(node: Node): RelationLock[] {
  const index = nodeAs(node, 'IndexStmt');
  if (index) return onRelation(index.relation, index.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
  const rename = nodeAs(node, 'RenameStmt');
  if (rename)
    return onRelation(
      rename.relation,
      rename.renameType === 'OBJECT_INDEX' ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE',
    );
  const view = nodeAs(node, 'ViewStmt');
  if (view) return view.replace ? onRelation(view.view, 'ACCESS EXCLUSIVE') : [];
  const refresh = nodeAs(node, 'RefreshMatViewStmt');
  if (refresh) return onRelation(refresh.relation, refresh.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');
  const lock = nodeAs(node, 'LockStmt');
  if (lock)
    return (lock.relations ?? []).flatMap((rel) => onRelation(nodeAs(rel, 'RangeVar'), lockStmtMode(lock.mode)));
  const truncate = nodeAs(node, 'TruncateStmt');
  if (truncate)
    return (truncate.relations ?? []).flatMap((rel) => onRelation(nodeAs(rel, 'RangeVar'), 'ACCESS EXCLUSIVE'));
  return [
    ...alterTableLocks(node),
    ...createTableLocks(node),
    ...dropLocks(node),
    ...reindexLocks(node),
    ...commentLocks(node),
    ...vacuumLocks(node),
    ...onRelation(nodeAs(node, 'CreateTrigStmt')?.relation, 'SHARE ROW EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'CreatePolicyStmt')?.table, 'ACCESS EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'AlterPolicyStmt')?.table, 'ACCESS EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'RuleStmt')?.relation, 'ACCESS EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'ClusterStmt')?.relation, 'ACCESS EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'AlterSeqStmt')?.sequence, 'SHARE ROW EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'CreateStatsStmt') ? statsTable(node) : undefined, 'SHARE UPDATE EXCLUSIVE'),
    ...onRelation(nodeAs(node, 'AlterObjectSchemaStmt')?.relation, 'ACCESS EXCLUSIVE'),
  ];
}

function statsTable(node: Node): RangeVar | undefined {
  const from = nodeAs(node, 'CreateStatsStmt')?.relations?.[0];
  return nodeAs(from, 'RangeVar');
}
