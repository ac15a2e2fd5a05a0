import type { Index, KeyPart } from '../../model/index-model.js';
import type { LiveColumn, LiveTable } from '../../model/schema.js';
import type { IndexProblem } from '../types.js';
import { isInnodb } from './engine.js';
import type { FlavorFeatures } from './flavor.js';
import {
  innodbMaxKeyBytes,
  isFulltextColumn,
  isLargeObjectColumn,
  isStringColumn,
  keyPartBytes,
} from './key-length.js';

/** A problem found by the flavor rules, before file positions are attached. */

const geometryTypes = new Set([
  'geometry',
  'point',
  'linestring',
  'polygon',
  'multipoint',
  'multilinestring',
  'multipolygon',
  'geometrycollection',
]);

function checkPrefix(part: KeyPart, column: LiveColumn, method: string): IndexProblem | null {
  const name = `\`${column.name}\``;
  if (part.length === undefined) {
    if (isLargeObjectColumn(column) && (method === 'btree' || method === 'hash')) {
      return {
        code: 'text_without_length',
        message: `column ${name} is ${column.dataType}: an index on it needs a prefix length (e.g. {column: ${column.name}, length: 191})`,
      };
    }
    return null;
  }
  if (!isStringColumn(column)) {
    return {
      code: 'prefix_not_string',
      message: `column ${name} is ${column.type}: a prefix length applies only to string columns`,
    };
  }
  if (column.characterLength !== undefined && part.length > column.characterLength) {
    return {
      code: 'prefix_too_long',
      message: `prefix length ${part.length} of column ${name} is longer than the column (${column.type})`,
    };
  }
  return null;
}

function checkFulltext(index: Index, columns: (LiveColumn | undefined)[]): IndexProblem[] {
  const problems: IndexProblem[] = [];
  index.keyParts.forEach((part, i) => {
    const column = columns[i];
    if (column && !isFulltextColumn(column)) {
      const message = `FULLTEXT index accepts only CHAR, VARCHAR and TEXT columns; \`${column.name}\` is ${column.type}`;
      problems.push({ code: 'fulltext_column_type', message });
    }
    if (part.length !== undefined || part.order === 'desc' || part.expression !== undefined) {
      problems.push({ code: 'fulltext_options', message: 'FULLTEXT key parts take no length, order or expression' });
    }
  });
  if (index.unique) problems.push({ code: 'fulltext_unique', message: 'a FULLTEXT index cannot be UNIQUE' });
  return problems;
}

function checkSpatial(index: Index, columns: (LiveColumn | undefined)[]): IndexProblem[] {
  const problems: IndexProblem[] = [];
  if (index.keyParts.length !== 1 || index.unique) {
    problems.push({ code: 'spatial_shape', message: 'a SPATIAL index has exactly one column and cannot be UNIQUE' });
  }
  const column = columns[0];
  if (column && (!geometryTypes.has(column.dataType) || column.nullable)) {
    const message = `SPATIAL index needs a geometry column declared NOT NULL; \`${column.name}\` is ${column.type}${column.nullable ? ' NULL' : ''}`;
    problems.push({ code: 'spatial_column', message });
  }
  return problems;
}

function checkKeyLength(index: Index, columns: (LiveColumn | undefined)[], table: LiveTable): IndexProblem[] {
  if (!isInnodb(table) || index.method === 'fulltext' || index.method === 'spatial') return [];
  const bytes = index.keyParts.reduce((sum, part, i) => sum + keyPartBytes(part, columns[i]), 0);
  if (bytes <= innodbMaxKeyBytes) return [];
  const message = `key is at least ${bytes} bytes, over the InnoDB limit of ${innodbMaxKeyBytes} bytes (error 1071); use prefix lengths`;
  return [{ code: 'key_too_long', message }];
}

/** Flavor rules that need the live table: columns, prefixes, key length, FULLTEXT/SPATIAL, HASH on InnoDB. */
export function validateMysqlIndex(index: Index, table: LiveTable, features: FlavorFeatures): IndexProblem[] {
  const where = { index: index.name, table: table.name };
  const problems: IndexProblem[] = [];
  const byName = new Map(table.columns.map((column) => [column.name.toLowerCase(), column]));
  const columns = index.keyParts.map((part) =>
    part.column === undefined ? undefined : byName.get(part.column.toLowerCase()),
  );
  index.keyParts.forEach((part, i) => {
    if (part.expression !== undefined && !features.expressionKeyParts) {
      problems.push({ code: 'expression_unsupported', message: 'this server has no functional key parts' });
    }
    if (part.column === undefined) return;
    const column = columns[i];
    if (!column) {
      problems.push({ code: 'unknown_column', message: `table \`${table.name}\` has no column \`${part.column}\`` });
      return;
    }
    const problem = checkPrefix(part, column, index.method);
    if (problem) problems.push(problem);
  });
  if (index.method === 'hash' && isInnodb(table)) {
    const message = 'InnoDB has no HASH indexes: the server would build a BTREE and still print USING HASH; use btree';
    problems.push({ code: 'hash_on_innodb', message });
  }
  if (index.method === 'fulltext') problems.push(...checkFulltext(index, columns));
  if (index.method === 'spatial') problems.push(...checkSpatial(index, columns));
  problems.push(...checkKeyLength(index, columns, table));
  return problems.map((problem) => ({ ...problem, ...where }));
}
