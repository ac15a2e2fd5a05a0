import type { LiveTable } from '../../model/schema.js';

/** The table's storage engine in lower case; InnoDB (the server default) when the catalog does not say. */
export function storageEngine(table: LiveTable | undefined): string {
  return (table?.engine ?? 'InnoDB').toLowerCase();
}

/** Whether the table is InnoDB, the engine whose online DDL and key limits the rules describe. */
export function isInnodb(table: LiveTable | undefined): boolean {
  return storageEngine(table) === 'innodb';
}
