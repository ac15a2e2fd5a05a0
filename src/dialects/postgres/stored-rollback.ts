import { type Node, parse } from 'libpg-query';
import type { Queryable, StoredRollback } from '../executor-types.js';
import { noReverseStatements, notTheStepsIndex } from '../shared/messages.js';
import { quoteQualified } from './identifiers.js';
import { temporaryName } from './render.js';

interface RangeVar {
  schemaname?: string;
  relname?: string;
}

/** What a reverse statement does, in the terms the per-action rules below speak. */
type StatementKind = 'build' | 'drop' | 'rename' | 'attach' | 'property';

/** Which kinds of statement the reverse of each recorded action may hold. */
const allowedKinds: Record<string, readonly StatementKind[]> = {
  create: ['drop'],
  drop: ['build', 'attach', 'property'],
  replace: ['build', 'attach', 'drop', 'rename', 'property'],
};

/** ALTER INDEX / ALTER TABLE subcommands that only restore a property of the step's index. */
const propertyCommands = new Set(['AT_SetStatistics', 'AT_ReplicaIdentity', 'AT_ClusterOn']);

/** The index names a step may touch: its own, and the temporary name a replace builds under. */
function stepNames(step: StoredRollback): Set<string> {
  return new Set([step.index, temporaryName(step.index)]);
}

function namesOf(list: Node | undefined): string[] {
  const items = (list as { List?: { items?: Node[] } } | undefined)?.List?.items ?? [];
  return items.map((item) => (item as { String?: { sval?: string } }).String?.sval ?? '');
}

/** A range variable that names a relation of the step's schema (unqualified names are refused). */
function inSchema(relation: RangeVar | undefined, step: StoredRollback): relation is Required<RangeVar> {
  return relation?.schemaname === step.table.schema && typeof relation.relname === 'string';
}

/** Whether `child` is a partition of the step's table (a reverse may build on the table's partitions). */
async function isPartitionOf(db: Queryable, child: RangeVar, step: StoredRollback): Promise<boolean> {
  const rows = await db.query(
    'select 1 from pg_inherits where inhrelid = to_regclass(?) and inhparent = to_regclass(?)',
    [quoteQualified(child.schemaname ?? '', child.relname ?? ''), quoteQualified(step.table.schema, step.table.name)],
  );
  return rows.length > 0;
}

/** The kind of one parsed statement, or why it is not index DDL of this step. */
async function kindOf(db: Queryable, stmt: Node, step: StoredRollback): Promise<StatementKind | { refused: string }> {
  const names = stepNames(step);
  const [type, body] = Object.entries(stmt)[0] ?? ['empty', {}];
  const node = body as Record<string, unknown>;
  switch (type) {
    case 'IndexStmt': {
      const relation = node.relation as RangeVar | undefined;
      if (!inSchema(relation, step)) return { refused: 'it builds an index outside the step’s schema' };
      if (relation.relname === step.table.name) {
        return names.has(String(node.idxname))
          ? 'build'
          : { refused: notTheStepsIndex('builds', String(node.idxname)) };
      }
      return (await isPartitionOf(db, relation, step))
        ? 'build'
        : {
            refused: `it builds an index on "${relation.relname}", which is neither the step’s table nor one of its partitions`,
          };
    }
    case 'DropStmt': {
      const objects = (node.objects as Node[] | undefined) ?? [];
      if (node.removeType !== 'OBJECT_INDEX' || objects.length !== 1 || node.behavior === 'DROP_CASCADE') {
        return { refused: 'it drops something other than exactly one index' };
      }
      const [schema, name] = namesOf(objects[0]);
      return schema === step.table.schema && names.has(name ?? '')
        ? 'drop'
        : { refused: notTheStepsIndex('drops', String(name)) };
    }
    case 'RenameStmt': {
      const relation = node.relation as RangeVar | undefined;
      if (node.renameType !== 'OBJECT_INDEX' || !inSchema(relation, step))
        return { refused: 'it renames something other than an index' };
      return names.has(relation.relname) && names.has(String(node.newname))
        ? 'rename'
        : { refused: 'it renames an index to or from a name the step does not own' };
    }
    case 'AlterTableStmt': {
      const relation = node.relation as RangeVar | undefined;
      const commands = ((node.cmds as Node[] | undefined) ?? []).map(
        (cmd) => (cmd as { AlterTableCmd?: Record<string, unknown> }).AlterTableCmd ?? {},
      );
      if (!inSchema(relation, step) || commands.length === 0)
        return { refused: 'it alters a relation outside the step' };
      if (node.objtype === 'OBJECT_INDEX' && names.has(relation.relname)) {
        if (commands.every((cmd) => cmd.subtype === 'AT_AttachPartition')) return 'attach';
        if (commands.every((cmd) => cmd.subtype === 'AT_SetStatistics')) return 'property';
      }
      if (node.objtype === 'OBJECT_TABLE' && relation.relname === step.table.name) {
        const indexOf = (cmd: Record<string, unknown>) =>
          String(
            (cmd.def as { ReplicaIdentityStmt?: { name?: string } } | undefined)?.ReplicaIdentityStmt?.name ?? cmd.name,
          );
        if (commands.every((cmd) => propertyCommands.has(String(cmd.subtype)) && names.has(indexOf(cmd)))) {
          return 'property';
        }
      }
      return { refused: 'it alters something other than the step’s index' };
    }
    case 'CommentStmt': {
      const [schema, name] = namesOf(node.object as Node);
      return node.objtype === 'OBJECT_INDEX' && schema === step.table.schema && names.has(name ?? '')
        ? 'property'
        : { refused: 'it comments on something other than the step’s index' };
    }
    default:
      return { refused: `it is ${type.replace(/Stmt$/, '')}, not index DDL` };
  }
}

/**
 * Why one stored reverse statement of a step is not index DDL of the kind that step recorded, on its
 * table and index (parsed with the server's own grammar); undefined when it is.
 */
export async function checkPostgresStoredRollback(
  db: Queryable,
  step: StoredRollback,
  statement: string,
): Promise<string | undefined> {
  const allowed = allowedKinds[step.action];
  if (!allowed) return noReverseStatements(step.action);
  let stmts: Array<{ stmt?: Node }>;
  try {
    stmts = (await parse(statement)).stmts ?? [];
  } catch (error) {
    return `it is not valid PostgreSQL (${(error as Error).message})`;
  }
  if (stmts.length !== 1 || !stmts[0]?.stmt) return `it holds ${stmts.length} statements, not one`;
  const kind = await kindOf(db, stmts[0].stmt, step);
  if (typeof kind !== 'string') return kind.refused;
  return allowed.includes(kind) ? undefined : `a ${kind} statement does not undo a ${step.action}`;
}
