import type { Row } from '../../connection/database.js';
import type { IndexDefinition, KeyPart } from '../../model/index-model.js';
import { primaryKeyName } from './definition.js';

/** One key part of one index, as STATISTICS or SHOW INDEX report it, with names normalized. */
export interface IndexPartRow {
  indexName: string;
  seq: number;
  column: string | null;
  expression: string | null;
  /** `A`, `D` or null (FULLTEXT). */
  collation: string | null;
  subPart: number | null;
  /** BTREE, HASH, FULLTEXT, SPATIAL (RTREE on some engines). */
  indexType: string;
  nonUnique: boolean;
  comment: string;
  visible: boolean;
}

function text(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

function numberOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

/**
 * Normalizes a key-part row named as SHOW INDEX names its columns (MariaDB `Ignored`, MySQL 8 `Visible`
 * and `Expression`); the introspection STATISTICS query aliases its columns to the same names.
 */
export function partFromRow(row: Row): IndexPartRow {
  return {
    indexName: text(row.Key_name) ?? '',
    seq: Number(row.Seq_in_index),
    column: text(row.Column_name),
    expression: text(row.Expression),
    collation: text(row.Collation),
    subPart: numberOrNull(row.Sub_part),
    indexType: text(row.Index_type) ?? 'BTREE',
    nonUnique: Number(row.Non_unique) === 1,
    comment: text(row.Index_comment) ?? '',
    visible: text(row.Ignored) !== 'YES' && text(row.Visible) !== 'NO',
  };
}

function methodOf(indexType: string): string {
  const type = indexType.toUpperCase();
  if (type === 'RTREE') return 'spatial';
  return type.toLowerCase();
}

function keyPartOf(row: IndexPartRow, method: string): KeyPart {
  const order = row.collation === 'D' ? 'desc' : 'asc';
  const part: KeyPart =
    row.expression !== null && row.column === null
      ? { expression: row.expression, order }
      : { column: row.column ?? '', order };
  // SPATIAL reports a sub-part of 32 that is not a declared prefix and is never printed
  if (row.subPart !== null && method !== 'spatial') part.length = row.subPart;
  return part;
}

/** One index built from its key-part rows (in any order). */
export function indexFromParts(schema: string, table: string, parts: IndexPartRow[]): IndexDefinition {
  const sorted = [...parts].sort((a, b) => a.seq - b.seq);
  const first = sorted[0]!;
  const method = methodOf(first.indexType);
  return {
    schema,
    table,
    name: first.indexName,
    unique: !first.nonUnique,
    method,
    keyParts: sorted.map((row) => keyPartOf(row, method)),
    include: [],
  };
}

/** Groups key-part rows by index name, keeping first-seen order. */
export function groupByIndex(parts: IndexPartRow[]): Map<string, IndexPartRow[]> {
  const groups = new Map<string, IndexPartRow[]>();
  for (const part of parts) {
    const group = groups.get(part.indexName);
    if (group) group.push(part);
    else groups.set(part.indexName, [part]);
  }
  return groups;
}

/** Whether the index is the table's primary key. */
export function isPrimaryKey(name: string): boolean {
  return name === primaryKeyName;
}
