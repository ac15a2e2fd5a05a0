import type { AlterTableCmd, Constraint, Node, RangeVar } from 'libpg-query';

/** A relation as `schema.name` or `name` (the parser has already folded unquoted names). */
export function relationKey(relation: RangeVar | undefined): string | undefined {
  if (!relation?.relname) return undefined;
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The payload of a node if it has the given type. */
export function nodeAs<K extends string>(node: Node | undefined, type: K): NodeOf<K> | undefined {
  if (!node || !(type in node)) return undefined;
  return (node as Record<string, unknown>)[type] as NodeOf<K>;
}

/** The payload type of a node type name. */
export type NodeOf<K extends string> = Node extends infer U ? (U extends { [key in K]: infer P } ? P : never) : never;

/** The ALTER TABLE sub-commands of a statement. */
export function alterTableCommands(node: Node): AlterTableCmd[] {
  const alter = nodeAs(node, 'AlterTableStmt');
  return (alter?.cmds ?? []).flatMap((cmd) => {
    const command = nodeAs(cmd, 'AlterTableCmd');
    return command ? [command] : [];
  });
}

/** UNIQUE / PRIMARY KEY constraints an ALTER TABLE sub-command adds (table or column constraints). */
export function addedKeyConstraints(command: AlterTableCmd): Constraint[] {
  const constraints: Constraint[] = [];
  if (command.subtype === 'AT_AddConstraint') {
    const constraint = nodeAs(command.def, 'Constraint');
    if (constraint) constraints.push(constraint);
  } else if (command.subtype === 'AT_AddColumn') {
    const column = nodeAs(command.def, 'ColumnDef');
    for (const item of column?.constraints ?? []) {
      const constraint = nodeAs(item, 'Constraint');
      if (constraint) constraints.push(constraint);
    }
  }
  return constraints.filter((c) => c.contype === 'CONSTR_UNIQUE' || c.contype === 'CONSTR_PRIMARY');
}

/** Whether a REINDEX statement asked for CONCURRENTLY. */
export function reindexIsConcurrent(node: Node): boolean {
  const reindex = nodeAs(node, 'ReindexStmt');
  return (reindex?.params ?? []).some((param) => {
    const option = nodeAs(param, 'DefElem');
    return option?.defname === 'concurrently' && !isFalse(option.arg);
  });
}

function isFalse(arg: Node | undefined): boolean {
  if (!arg) return false;
  const text = nodeAs(arg, 'String')?.sval;
  if (text !== undefined) return ['false', 'off', '0', 'no'].includes(text.toLowerCase());
  const integer = nodeAs(arg, 'Integer');
  return integer !== undefined && !integer.ival;
}

/** Names of the indexes a DROP INDEX statement removes. */
export function droppedIndexNames(node: Node): string[] {
  const drop = nodeAs(node, 'DropStmt');
  if (drop?.removeType !== 'OBJECT_INDEX') return [];
  return (drop.objects ?? []).map((object) => {
    const parts = (nodeAs(object, 'List')?.items ?? []).map((item) => nodeAs(item, 'String')?.sval ?? '');
    return parts.join('.');
  });
}
