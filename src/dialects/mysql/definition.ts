import type { Index, KeyPart } from '../../model/index-model.js';
import type { FlavorFeatures } from './flavor.js';
import { quoteMysqlIdent, quoteMysqlLiteral } from './identifiers.js';

/** The name MySQL and MariaDB reserve for the primary key. */
export const primaryKeyName = 'PRIMARY';

/** Live-only options SHOW CREATE TABLE prints after the key parts. */
export interface KeyLineOptions {
  comment?: string;
  /** False for a MySQL INVISIBLE / MariaDB IGNORED index. */
  visible?: boolean;
}

/** One key part as SHOW CREATE TABLE prints it: `a`, `a`(10), `a` DESC, (lower(`a`)). */
function renderKeyPart(part: KeyPart): string {
  let text = part.expression !== undefined ? `(${part.expression})` : quoteMysqlIdent(part.column);
  if (part.length !== undefined) text += `(${part.length})`;
  if (part.order === 'desc') text += ' DESC';
  return text;
}

/** The key-part list with its parentheses: (`a`,`b`(10)). */
export function renderKeyParts(index: Index): string {
  return `(${index.keyParts.map(renderKeyPart).join(',')})`;
}

/** `KEY`, `UNIQUE KEY`, `FULLTEXT KEY`, `SPATIAL KEY` or `PRIMARY KEY`. */
function keyKind(index: Index): string {
  if (index.name === primaryKeyName) return 'PRIMARY KEY';
  if (index.method === 'fulltext') return 'FULLTEXT KEY';
  if (index.method === 'spatial') return 'SPATIAL KEY';
  return index.unique ? 'UNIQUE KEY' : 'KEY';
}

/** Options after the key parts, in SHOW CREATE TABLE order: USING, COMMENT, INVISIBLE/IGNORED. */
function renderKeyOptions(index: Index, features: FlavorFeatures, options: KeyLineOptions): string {
  let text = index.method === 'hash' ? ' USING HASH' : '';
  if (options.comment) text += ` COMMENT ${quoteMysqlLiteral(options.comment)}`;
  if (options.visible === false) {
    text += features.invisibleIndex === 'ignored' ? ' IGNORED' : ' /*!80000 INVISIBLE */';
  }
  return text;
}

/** The key line of SHOW CREATE TABLE, e.g. "  KEY `idx_x` (`a`,`b`(10))" (two leading spaces, no comma). */
export function renderKeyLine(index: Index, features: FlavorFeatures, options: KeyLineOptions = {}): string {
  const name = index.name === primaryKeyName ? '' : ` ${quoteMysqlIdent(index.name)}`;
  return `  ${keyKind(index)}${name} ${renderKeyParts(index)}${renderKeyOptions(index, features, options)}`;
}
