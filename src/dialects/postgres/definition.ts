import type { Index, KeyPart } from '../../model/index-model.js';

/** How identifiers are written: always quoted (DDL we run) or only where needed (as the server prints). */
export type IdentQuoter = (name: string) => string;

/** Already-quoted pieces of one index definition. */
export interface DefinitionPieces {
  unique: boolean;
  concurrently: boolean;
  name: string;
  /** `ON ONLY` (partitioned parent, the index covers no partition yet). */
  only: boolean;
  table: string;
  method: string;
  keys: string[];
  include: string[];
  /** `TABLESPACE name`, already quoted (the server's pg_get_indexdef never prints it). */
  tablespace?: string;
  where?: string;
}

/** `CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON [ONLY] table USING m (keys) [INCLUDE (..)] [TABLESPACE t] [WHERE ..]`. */
export function formatDefinition(pieces: DefinitionPieces): string {
  let sql = `CREATE ${pieces.unique ? 'UNIQUE ' : ''}INDEX ${pieces.concurrently ? 'CONCURRENTLY ' : ''}${pieces.name}`;
  sql += ` ON ${pieces.only ? 'ONLY ' : ''}${pieces.table} USING ${pieces.method} (${pieces.keys.join(', ')})`;
  if (pieces.include.length > 0) sql += ` INCLUDE (${pieces.include.join(', ')})`;
  if (pieces.tablespace !== undefined) sql += ` TABLESPACE ${pieces.tablespace}`;
  if (pieces.where !== undefined) sql += ` WHERE ${pieces.where}`;
  return sql;
}

/** True when the parenthesis opened at `open` closes at the very end of `text` (quoted literals skipped). */
function closesAtEnd(text: string, open: number): boolean {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    const char = text[i];
    if (char === "'" || char === '"') {
      i = text.indexOf(char, i + 1);
      if (i < 0) return false;
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (depth === 0) return i === text.length - 1;
  }
  return false;
}

const functionName = /^(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\.(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))*\(/;

/**
 * Expression text as it stands in a definition. Canonical expressions are kept as the server prints
 * them per column (a bare function call, or already wrapped in parentheses), so they pass unchanged;
 * anything else is wrapped the way the server wraps a non-function expression.
 */
function expressionInDefinition(expression: string): string {
  const call = functionName.exec(expression);
  if (call && closesAtEnd(expression, call[0].length - 1)) return expression;
  if (expression.startsWith('(') && closesAtEnd(expression, 0)) return expression;
  return `(${expression})`;
}

/** What follows a key part's column or expression: collation, operator class, order, non-default NULLS. */
export function keyPartOptions(part: KeyPart): string {
  let text = '';
  if (part.collation) text += ` COLLATE ${part.collation}`;
  if (part.opclass) text += ` ${part.opclass}`;
  if (part.order === 'desc') text += ' DESC';
  if (part.nulls === 'first' && part.order !== 'desc') text += ' NULLS FIRST';
  if (part.nulls === 'last' && part.order === 'desc') text += ' NULLS LAST';
  return text;
}

/** One key part with its collation, operator class, order and NULLS placement. */
function formatKeyPart(part: KeyPart, quote: IdentQuoter, forDdl: boolean): string {
  let text: string;
  if (part.column !== undefined) text = quote(part.column);
  else if (forDdl) text = `(${part.expression})`;
  else text = expressionInDefinition(part.expression);
  return text + keyPartOptions(part);
}

/** Writes an access method name (the known ones are plain lower-case words). */
function formatMethod(method: string, quote: IdentQuoter): string {
  return /^[a-z_][a-z0-9_]*$/.test(method) ? method : quote(method);
}

/** The pieces of a model index, quoted with `quote`. */
export function piecesOf(
  index: Index,
  quote: IdentQuoter,
  options: { concurrently: boolean; only: boolean; name?: string; forDdl: boolean },
): DefinitionPieces {
  const pieces: DefinitionPieces = {
    unique: index.unique,
    concurrently: options.concurrently,
    name: quote(options.name ?? index.name),
    only: options.only,
    table: `${quote(index.schema)}.${quote(index.table)}`,
    method: formatMethod(index.method, quote),
    keys: index.keyParts.map((part) => formatKeyPart(part, quote, options.forDdl)),
    include: index.include.map(quote),
  };
  if (index.where !== undefined) pieces.where = index.where;
  return pieces;
}
