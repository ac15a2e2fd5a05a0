// Placeholders of bound statements. The errors here are the caller's bugs (a statement and its
// bindings that do not match), never a user's input: plain errors, like knex.raw threw.

/** Throws the way knex did for a binding left undefined (a bug in the caller, never sent as NULL). */
export function checkBindings(sql: string, bindings: readonly unknown[]): void {
  const missing = bindings.flatMap((value, i) => (value === undefined ? [i] : []));
  if (missing.length > 0) {
    throw new Error(`undefined binding(s) at [${missing.join(', ')}] in query: ${sql.slice(0, 200)}`);
  }
}

/**
 * `?` placeholders as PostgreSQL's `$1, $2, ...` (the form knex.raw accepted: `\\?` is a literal `?`);
 * the number of placeholders must match the bindings.
 */
export function numberedPlaceholders(sql: string, count: number): string {
  let n = 0;
  const text = sql.replace(/\\\?|\?\??/g, (match) => {
    if (match === '\\?') return '?';
    if (match === '??') throw new Error(`identifier placeholders (??) are not supported: ${sql.slice(0, 200)}`);
    n += 1;
    return `$${n}`;
  });
  if (n !== count) throw new Error(`expected ${n} bindings, got ${count}, in query: ${sql.slice(0, 200)}`);
  return text;
}
