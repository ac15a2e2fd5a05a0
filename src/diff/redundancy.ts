import type { Index } from '../model/index-model.js';
import type { LiveTable } from '../model/schema.js';

/**
 * Redundancy of a new definition against the table's other live indexes: duplicates, left prefixes,
 * and existing indexes the new one makes unnecessary. Indexes in `leaving` (dropped by the same plan)
 * are not compared.
 */
export function redundancyWarnings(
  desired: Index,
  table: LiveTable,
  leaving: ReadonlySet<string> = new Set(),
): string[] {
  const warnings: string[] = [];
  for (const other of table.indexes) {
    if (other.name === desired.name || !other.live.valid || leaving.has(other.name)) continue;
    if (desired.equivalent(other)) {
      warnings.push(`duplicates existing index "${other.name}" (same definition: ${other.describe()})`);
    } else if (desired.redundantTo(other)) {
      warnings.push(`is redundant: a left prefix of existing index "${other.name}" (${other.describe()})`);
    } else if (other.redundantTo(desired)) {
      const owner = other.live.constraint ? ` (owned by a ${other.live.constraint} constraint)` : '';
      warnings.push(
        `existing index "${other.name}"${owner} becomes redundant: it is a left prefix of the new index (${other.describe()})`,
      );
    }
  }
  return warnings;
}
