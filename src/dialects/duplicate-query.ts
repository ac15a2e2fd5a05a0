import type { Index } from '../model/index-model.js';
import type { Dialect } from './types.js';

/**
 * One bounded query that finds a key a unique index would reject today: rows sharing the key, NULLs
 * excluded (they never collide), partial predicate respected. Standard SQL on every dialect.
 */
export function renderDuplicateKeyQuery(index: Index, dialect: Dialect): string {
  const q = (name: string) => dialect.quoteIdent(name);
  const keys = index.keyParts.map((part) => {
    const base = part.column !== undefined ? q(part.column) : `(${part.expression})`;
    return part.length !== undefined ? `left(${base}, ${part.length})` : base;
  });
  const notNull = keys.map((key) => `${key} IS NOT NULL`);
  const where = [...notNull, ...(index.where ? [`(${index.where})`] : [])].join(' AND ');
  const select = keys.map((key, i) => `${key} AS ${q(`k${i}`)}`).join(', ');
  return `SELECT ${select}, count(*) AS ${q('n')} FROM ${q(index.schema)}.${q(index.table)} WHERE ${where} GROUP BY ${keys.join(', ')} HAVING count(*) > 1 LIMIT 1`;
}
