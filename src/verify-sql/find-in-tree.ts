/** Depth-first search of a parser's syntax tree (plain objects and arrays) for the first node `match` describes. */
export function findInTree(
  node: unknown,
  match: (record: Record<string, unknown>) => string | undefined,
): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findInTree(item, match);
      if (found) return found;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object') return undefined;
  const record = node as Record<string, unknown>;
  const here = match(record);
  if (here) return here;
  for (const value of Object.values(record)) {
    const found = findInTree(value, match);
    if (found) return found;
  }
  return undefined;
}
