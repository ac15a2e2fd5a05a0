import type { Change } from '../../model/change.js';
import type { Index } from '../../model/index-model.js';
import { LiveIndex, type LiveTable } from '../../model/schema.js';
import { primaryKeyName, renderKeyLine } from './definition.js';
import { storageEngine } from './engine.js';
import type { FlavorFeatures } from './flavor.js';
import { readsVirtualColumn } from './virtual-columns.js';

/*
 * The server keeps a table's keys in the order of `sort_keys()` (sql_table.cc), which SHOW CREATE TABLE
 * and mysqldump print: PRIMARY; UNIQUE keys whose columns are all NOT NULL; then UNIQUE keys with a
 * nullable column (in both groups, keys without a prefix part before keys with one); MariaDB's long
 * UNIQUE ... USING HASH keys; plain keys (SPATIAL and keys on virtual columns included on MariaDB);
 * FULLTEXT keys. MySQL 8 also puts keys on virtual generated columns after the others of their group.
 * Keys of one class keep their order in the new key list of the ALTER: surviving keys in their old
 * order, then the added keys in the order of their ADD clauses. So a re-added key lands at the end of
 * its class, unless the keys after it are re-added after it in the same statement.
 */

const storageEnginesWithNativeHash = ['memory', 'heap'];

function hasNullablePart(index: Index, table: LiveTable): boolean {
  if (index.name === primaryKeyName) return false;
  const nullable = new Map(table.columns.map((column) => [column.name.toLowerCase(), column.nullable]));
  // a functional key part (MySQL 8) is a hidden virtual column that may be NULL
  return index.keyParts.some((part) => part.column === undefined || nullable.get(part.column.toLowerCase()) !== false);
}

/** MariaDB's long unique key: UNIQUE with a HASH index type on an engine that has no hash indexes. */
function isLongUniqueHash(index: Index, table: LiveTable): boolean {
  return index.unique && index.method === 'hash' && !storageEnginesWithNativeHash.includes(storageEngine(table));
}

function uniqueClass(index: Index, table: LiveTable): number {
  if (isLongUniqueHash(index, table)) return 5;
  const prefixed = index.keyParts.some((part) => part.length !== undefined) ? 1 : 0;
  return (hasNullablePart(index, table) ? 3 : 1) + prefixed;
}

/** The rank of an index's class in the server's key order; keys of equal rank keep their creation order. */
function keyClassRank(index: Index, table: LiveTable, features: FlavorFeatures): number {
  if (index.name === primaryKeyName) return 0;
  const base = index.unique ? uniqueClass(index, table) : index.method === 'fulltext' ? 7 : 6;
  const virtualLast = features.virtualColumnKeysLast && readsVirtualColumn(index, table) ? 1 : 0;
  return base * 2 + virtualLast;
}

/** Whether two of the indexes sort in the same class, so that their creation order decides between them. */
export function shareAClass(indexes: LiveIndex[], table: LiveTable, features: FlavorFeatures): boolean {
  const ranks = indexes.map((index) => keyClassRank(index, table, features));
  return new Set(ranks).size < ranks.length;
}

/** The indexes in the server's key order, given them in catalog order (a stable sort by class). */
export function inServerKeyOrder(indexes: LiveIndex[], table: LiveTable, features: FlavorFeatures): LiveIndex[] {
  const ranked = indexes.map((index, position) => ({ index, position, rank: keyClassRank(index, table, features) }));
  ranked.sort((a, b) => a.rank - b.rank || a.position - b.position);
  return ranked.map((entry) => entry.index);
}

/**
 * The table as one change leaves it: a dropped key gone; a created or replaced key (one ALTER drops the
 * old and adds the new) at the end of its class, where the server puts an added key.
 */
export function tableAfterChange(change: Change, table: LiveTable, features: FlavorFeatures): LiveTable {
  // a visibility toggle keeps the key in its place (a later restore re-adds it as it was then; undoing
  // the toggle afterwards sets its visibility back)
  if (change.action === 'noop' || change.action === 'disable' || change.action === 'enable') return table;
  const kept = table.indexes.filter((index) => index.name !== change.index);
  if (change.action === 'drop') return { ...table, indexes: kept };
  const added = new LiveIndex(change.desired, {
    valid: true,
    visible: true,
    constraint: null,
    definition: renderKeyLine(change.desired, features),
    partitioned: false,
    roundTrips: true,
  });
  return { ...table, indexes: inServerKeyOrder([...kept, added], table, features) };
}

/**
 * The keys after `index` in the table's key order that the server sorts in the same class: re-adding
 * `index` alone would put it after them, so a restore re-adds them after it.
 */
export function followersInClass(index: LiveIndex, table: LiveTable, features: FlavorFeatures): LiveIndex[] {
  const position = table.indexes.findIndex((candidate) => candidate.name === index.name);
  if (position < 0) return [];
  const rank = keyClassRank(index, table, features);
  return table.indexes.slice(position + 1).filter((other) => keyClassRank(other, table, features) === rank);
}
