import type { Index } from '../../model/index-model.js';
import type { LiveTable } from '../../model/schema.js';

/** Lower-cased names of the table's virtual generated columns (MySQL column names compare without case). */
function virtualColumnNames(table: LiveTable | undefined): Set<string> {
  const virtual = table?.columns.filter((column) => column.generated === 'virtual') ?? [];
  return new Set(virtual.map((column) => column.name.toLowerCase()));
}

/** A key part names a virtual generated column of the table (declared in its CREATE TABLE). */
export function namesVirtualColumn(index: Index, table: LiveTable | undefined): boolean {
  const virtual = virtualColumnNames(table);
  return index.keyParts.some((part) => part.column !== undefined && virtual.has(part.column.toLowerCase()));
}

/**
 * A key part reads a virtual column: one the table declares, or a functional key part, which MySQL
 * stores as a hidden virtual generated column.
 */
export function readsVirtualColumn(index: Index, table: LiveTable | undefined): boolean {
  return index.keyParts.some((part) => part.column === undefined) || namesVirtualColumn(index, table);
}
