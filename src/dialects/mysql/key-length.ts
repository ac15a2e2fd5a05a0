import type { KeyPart } from '../../model/index-model.js';
import type { LiveColumn } from '../../model/schema.js';

/** Most bytes one InnoDB index key may hold (DYNAMIC/COMPRESSED row formats). */
export const innodbMaxKeyBytes = 3072;

const fixedSizes: Record<string, number> = {
  tinyint: 1,
  smallint: 2,
  mediumint: 3,
  int: 4,
  integer: 4,
  bigint: 8,
  float: 4,
  double: 8,
  real: 8,
  date: 3,
  year: 1,
  // lower bounds: the server may need more for many members
  enum: 1,
  set: 1,
};

const stringTypes = new Set(['char', 'varchar', 'binary', 'varbinary']);
const largeObjectTypes = new Set([
  'tinytext',
  'text',
  'mediumtext',
  'longtext',
  'tinyblob',
  'blob',
  'mediumblob',
  'longblob',
  'json',
]);
const textTypes = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);

/** CHAR/VARCHAR/BINARY/VARBINARY or a TEXT/BLOB type: the types a prefix length applies to. */
export function isStringColumn(column: LiveColumn): boolean {
  return stringTypes.has(column.dataType) || largeObjectTypes.has(column.dataType);
}

/** TEXT, BLOB (and JSON): an index on them needs a prefix length. */
export function isLargeObjectColumn(column: LiveColumn): boolean {
  return largeObjectTypes.has(column.dataType);
}

/** Character columns that FULLTEXT accepts: CHAR, VARCHAR and the TEXT types. */
export function isFulltextColumn(column: LiveColumn): boolean {
  return column.dataType === 'char' || column.dataType === 'varchar' || textTypes.has(column.dataType);
}

function fractionalBytes(type: string): number {
  const fsp = Number(/\((\d+)\)/.exec(type)?.[1] ?? 0);
  return Math.ceil(fsp / 2);
}

function decimalBytes(type: string): number {
  const match = /\((\d+)(?:,(\d+))?\)/.exec(type);
  const precision = Number(match?.[1] ?? 10);
  const scale = Number(match?.[2] ?? 0);
  const leftover = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];
  const digitsBytes = (digits: number) => Math.floor(digits / 9) * 4 + leftover[digits % 9]!;
  return digitsBytes(precision - scale) + digitsBytes(scale);
}

/** Bytes one key part takes in an InnoDB key (0 where unknown, so the sum is a lower bound). */
export function keyPartBytes(part: KeyPart, column: LiveColumn | undefined): number {
  if (!column) return 0;
  const type = column.dataType;
  if (isStringColumn(column)) {
    const characters = part.length ?? column.characterLength ?? 0;
    return characters * (column.bytesPerCharacter ?? 1);
  }
  if (type === 'decimal' || type === 'numeric') return decimalBytes(column.type);
  if (type === 'datetime') return 5 + fractionalBytes(column.type);
  if (type === 'timestamp') return 4 + fractionalBytes(column.type);
  if (type === 'time') return 3 + fractionalBytes(column.type);
  if (type === 'bit') return Math.ceil(Number(/\((\d+)\)/.exec(column.type)?.[1] ?? 1) / 8);
  return fixedSizes[type] ?? 0;
}
