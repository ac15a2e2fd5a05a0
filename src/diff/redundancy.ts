import { Index, type KeyPart } from '../model/index-model.js';
import type { LiveIndex, LiveTable } from '../model/schema.js';

/**
 * Redundancy of a new definition against the table's other live indexes: duplicates, left prefixes,
 * and existing indexes the new one makes unnecessary. Indexes in `leaving` (dropped by the same plan)
 * are not compared.
 */
export function redundancyWarnings(
  desired: Index,
  table: LiveTable,
  leaving: ReadonlySet<string> = new Set(),
): string[] {
  const warnings: string[] = [];
  for (const other of table.indexes) {
    if (other.name === desired.name || !other.live.valid || leaving.has(other.name)) continue;
    if (desired.equivalent(other)) {
      warnings.push(`duplicates existing index "${other.name}" (same definition: ${other.describe()})`);
    } else if (desired.redundantTo(other)) {
      warnings.push(`is redundant: a left prefix of existing index "${other.name}" (${other.describe()})`);
    } else if (other.redundantTo(desired)) {
      const owner = other.live.constraint ? ` (owned by a ${other.live.constraint} constraint)` : '';
      warnings.push(
        `existing index "${other.name}"${owner} becomes redundant: it is a left prefix of the new index (${other.describe()})`,
      );
    }
  }
  return warnings;
}

/** The key as the storage engine keeps it: on InnoDB a secondary key ends with the primary key's columns. */
function storedKey(index: LiveIndex, table: LiveTable): Index {
  const primary = table.indexes.find((other) => other.live.constraint === 'primary');
  if (!table.clusteredPrimaryKey || !primary || index === primary) return index;
  const columns = new Set(index.keyParts.map((part) => part.column));
  const suffix: KeyPart[] = primary.keyParts.filter((part) => part.column && !columns.has(part.column));
  return new Index({ ...index, keyParts: [...index.keyParts, ...suffix] });
}

function enforcesConstraint(index: LiveIndex): boolean {
  return index.unique || index.live.constraint !== null;
}

/**
 * The table's other indexes that make this live index unnecessary: it is a duplicate or a left prefix of
 * them (compared with the key InnoDB really stores, which ends with the primary key). A PRIMARY or UNIQUE
 * key is never the redundant one, since it enforces a constraint. Of two indexes redundant to each other
 * (duplicates; `(a, id)` and `(a)` on InnoDB) only one is named redundant: the one with the longer
 * written key, else the later name.
 */
export function redundantTo(index: LiveIndex, table: LiveTable): string[] {
  if (enforcesConstraint(index) || !index.live.valid) return [];
  const names: string[] = [];
  for (const other of table.indexes) {
    if (other.name === index.name || !other.live.valid) continue;
    if (!index.redundantTo(storedKey(other, table))) continue;
    const mutual = !enforcesConstraint(other) && other.redundantTo(storedKey(index, table));
    if (mutual) {
      const longer = index.keyParts.length - other.keyParts.length;
      if (longer < 0 || (longer === 0 && index.name < other.name)) continue;
    }
    names.push(other.name);
  }
  return names;
}

/** The foreign keys for which this index is the only one that starts with their columns. */
export function neededByForeignKeys(
  index: LiveIndex,
  table: LiveTable,
  foreignKeys: readonly { name: string; columns: string[] }[],
): string[] {
  const startsWith = (candidate: LiveIndex, columns: string[]) =>
    candidate.live.valid && columns.every((column, i) => candidate.keyParts[i]?.column === column);
  return foreignKeys
    .filter((key) => startsWith(index, key.columns))
    .filter((key) => !table.indexes.some((other) => other.name !== index.name && startsWith(other, key.columns)))
    .map((key) => key.name);
}
