import type { ErrorCode } from '../../errors.js';
import type { Index } from '../../model/index-model.js';
import type { LiveTable } from '../../model/schema.js';
import type { IndexProblem } from '../types.js';

/** A problem found against the live table, without its plan-file position. */

/** INDEX_MAX_KEYS: key and INCLUDE columns together. */
export const maxIndexColumns = 32;

/** Base types with no default btree operator class in core PostgreSQL (json, xml, geometric types). */
const noBtreeTypes = new Set(['json', 'xml', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle']);

/** What each core access method can do (pg_indexam_has_property / amcanunique etc.). */
const methodAbilities: Record<string, { unique: boolean; multiColumn: boolean; order: boolean; include: boolean }> = {
  btree: { unique: true, multiColumn: true, order: true, include: true },
  hash: { unique: false, multiColumn: false, order: false, include: false },
  gin: { unique: false, multiColumn: true, order: false, include: false },
  gist: { unique: false, multiColumn: true, order: false, include: true },
  brin: { unique: false, multiColumn: true, order: false, include: false },
  spgist: { unique: false, multiColumn: false, order: false, include: true },
};

/** PostgreSQL rules that need the live table; the server's own refusals are found by canonicalization. */
export function validatePostgresIndex(index: Index, table: LiveTable, serverMajor: number): IndexProblem[] {
  const problems: IndexProblem[] = [];
  const problem = (code: ErrorCode, message: string) =>
    problems.push({
      code,
      message: `index ${index.name} on ${table.name}: ${message}`,
      index: index.name,
      table: table.name,
    });
  const columns = index.keyParts.length + index.include.length;
  if (columns > maxIndexColumns)
    problem(
      'too_many_columns',
      `${columns} columns; PostgreSQL allows at most ${maxIndexColumns} (key and INCLUDE together)`,
    );
  const abilities = methodAbilities[index.method];
  if (abilities) {
    if (index.unique && !abilities.unique)
      problem('unique_not_supported', `access method ${index.method} does not support unique indexes`);
    if (index.keyParts.length > 1 && !abilities.multiColumn)
      problem('multicolumn_not_supported', `access method ${index.method} does not support multicolumn indexes`);
    const ordered = index.keyParts.some((part) => part.order === 'desc' || part.nulls !== undefined);
    if (ordered && !abilities.order)
      problem('order_not_supported', `access method ${index.method} does not support ASC/DESC or NULLS options`);
    const includes = abilities.include && !(index.method === 'spgist' && serverMajor < 14);
    if (index.include.length > 0 && !includes)
      problem('include_not_supported', `access method ${index.method} does not support INCLUDE columns`);
  }
  const byName = new Map(table.columns.map((column) => [column.name, column]));
  for (const name of index.columns()) {
    const column = byName.get(name);
    if (!column) continue;
    if (column.generated === 'virtual')
      problem(
        'virtual_generated_column',
        `column ${name} is a virtual generated column, which PostgreSQL cannot index`,
      );
    const isKey = index.keyParts.some((part) => part.column === name);
    if (isKey && index.method === 'btree' && noBtreeTypes.has(column.dataType)) {
      problem(
        'no_operator_class',
        `column ${name} has type ${column.type}, which has no default operator class for btree`,
      );
    }
  }
  return problems;
}
