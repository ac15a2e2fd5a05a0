import type { Index } from '../model/index-model.js';
import type { Dialect } from './types.js';

/** Default statement timeout of a duplicate-rows query (`--duplicate-check-timeout`, plan and apply). */
export const defaultDuplicateCheckTimeoutMs = 60_000;

/** A bounded query for the keys a unique index would reject today, and how to name its columns. */
export interface DuplicateKeyQuery {
  /** Returns up to `limit` rows: the key parts as `k0..kN` and the number of rows sharing them as `n`. */
  sql: string;
  /** The key parts as the plan wrote them (column names or expressions), for messages. */
  keys: string[];
}

/**
 * One query that finds keys a unique index would reject today: rows sharing the key, NULLs excluded
 * (both PostgreSQL's default NULLS DISTINCT and MySQL/MariaDB let NULL keys repeat), partial
 * predicate respected, grouped with the column's own equality (MySQL collations included).
 * Standard SQL on every dialect.
 */
export function renderDuplicateKeyQuery(index: Index, dialect: Dialect, limit = 1): DuplicateKeyQuery {
  const q = (name: string) => dialect.quoteIdent(name);
  const keys = index.keyParts.map((part) => {
    const base = part.column !== undefined ? q(part.column) : `(${part.expression})`;
    return part.length !== undefined ? `left(${base}, ${part.length})` : base;
  });
  const notNull = keys.map((key) => `${key} IS NOT NULL`);
  const where = [...notNull, ...(index.where ? [`(${index.where})`] : [])].join(' AND ');
  const select = keys.map((key, i) => `${key} AS ${q(`k${i}`)}`).join(', ');
  return {
    sql: `SELECT ${select}, count(*) AS ${q('n')} FROM ${q(index.schema)}.${q(index.table)} WHERE ${where} GROUP BY ${keys.join(', ')} HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT ${limit}`,
    keys: index.keyParts.map((part) => part.column ?? part.expression),
  };
}

/** One duplicated key as a sentence: `(customer=7, status=new) × 3`. */
export function describeDuplicateKey(keys: readonly string[], row: Record<string, unknown>): string {
  return `(${keys.map((key, i) => `${key}=${String(row[`k${i}`])}`).join(', ')}) × ${String(row.n)}`;
}
