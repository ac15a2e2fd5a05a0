import type { ServerInfo } from '../../../../src/connection/database.js';
import { Index, type IndexDefinition, type KeyPart } from '../../../../src/model/index-model.js';
import { type LiveColumn, LiveIndex, type LiveTable } from '../../../../src/model/schema.js';

/** A server description as openDatabase would detect it. */
export function serverInfo(flavor: 'mysql' | 'mariadb', version: string): ServerInfo {
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  return { dialect: 'mysql', flavor, version, major, minor, patch, database: 'shop', defaultSchema: 'shop' };
}

export const mariadb1011 = serverInfo('mariadb', '10.11.19');
export const mysql8036 = serverInfo('mysql', '8.0.36');

/** A column description as introspection returns it. */
export function column(name: string, type: string, extra: Partial<LiveColumn> = {}): LiveColumn {
  const dataType = type.replace(/\(.*$/, '').toLowerCase();
  const length = /\((\d+)\)/.exec(type)?.[1];
  const isString = /char|text/.test(dataType);
  return {
    name,
    type,
    dataType,
    nullable: true,
    generated: null,
    ...(length && isString ? { characterLength: Number(length) } : {}),
    ...(isString ? { bytesPerCharacter: 4 } : {}),
    ...extra,
  };
}

/** The columns of `tabSales Invoice` (after its primary key) the render and lint tests index. */
export const invoiceColumns: LiveColumn[] = [
  column('customer', 'varchar(140)'),
  column('status', 'varchar(20)'),
  column('posting_date', 'date'),
  column('remarks', 'text'),
  column('location', 'geometry', { nullable: false }),
  column('email', 'varchar(255)'),
  column('status_upper', 'varchar(20)', { generated: 'virtual' }),
];

/** A desired btree index on `shop`.`table`. */
export function index(table: string, name: string, keyParts: KeyPart[], extra: Partial<IndexDefinition> = {}): Index {
  return new Index({ schema: 'shop', table, name, unique: false, method: 'btree', keyParts, include: [], ...extra });
}

/** A live index with the SHOW CREATE TABLE line it was read with. */
export function liveIndex(definition: Index, line: string, constraint: 'primary' | null = null): LiveIndex {
  return new LiveIndex(definition, { valid: true, visible: true, constraint, definition: line, partitioned: false });
}

/** An InnoDB table with the given columns and indexes. */
export function table(name: string, columns: LiveColumn[], extra: Partial<LiveTable> = {}): LiveTable {
  return {
    schema: 'shop',
    name,
    columns,
    indexes: [],
    estimatedRows: 1000,
    totalBytes: 65536,
    partitioned: false,
    engine: 'InnoDB',
    cascadingForeignKeys: false,
    ...extra,
  };
}

export const asc = (name: string, length?: number): KeyPart =>
  length === undefined ? { column: name, order: 'asc' } : { column: name, order: 'asc', length };
export const desc = (name: string): KeyPart => ({ column: name, order: 'desc' });
