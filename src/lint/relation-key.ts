/**
 * Whether two relation keys (`schema.name` or `name`, as the facts of either SQL family write them) may
 * name the same table or index: one of them may lack the schema (PostgreSQL) or database (MySQL).
 */
export function sameRelation(a: string, b: string): boolean {
  if (a === b) return true;
  const bare = (key: string) => key.slice(key.lastIndexOf('.') + 1);
  return (!a.includes('.') || !b.includes('.')) && bare(a) === bare(b);
}

/** The table created earlier in the file (before `statement`) under a key that may name `key`, if any. */
export function createdBefore<T extends { key: string; statement: number }>(
  tables: readonly T[],
  key: string | undefined,
  statement: number,
): T | undefined {
  if (!key) return undefined;
  return tables.find((table) => table.statement < statement && sameRelation(table.key, key));
}
