import { describe, expect, it } from 'vitest';
import { validatePostgresIndex } from '../../../../src/dialects/postgres/validate.js';
import { Index, type IndexDefinition } from '../../../../src/model/index-model.js';
import type { LiveColumn, LiveTable } from '../../../../src/model/schema.js';

function column(name: string, dataType: string, generated: LiveColumn['generated'] = null): LiveColumn {
  return { name, type: dataType, dataType, nullable: true, generated };
}

const table: LiveTable = {
  schema: 'public',
  name: 'events',
  columns: [column('id', 'int4'), column('payload', 'json'), column('tags', '_text'), column('v', 'int4', 'virtual')],
  indexes: [],
  estimatedRows: 0,
  totalBytes: 0,
  partitioned: false,
};

function index(definition: Partial<IndexDefinition>): Index {
  return new Index({
    schema: 'public',
    table: 'events',
    name: 'idx',
    unique: false,
    method: 'btree',
    keyParts: [{ column: 'id', order: 'asc' }],
    include: [],
    ...definition,
  });
}

const codes = (candidate: Index, major = 15) =>
  validatePostgresIndex(candidate, table, major).map((problem) => problem.code);

describe('postgres validateIndex', () => {
  it.each([
    ['a plain btree', index({}), []],
    ['a gin index on an array', index({ method: 'gin', keyParts: [{ column: 'tags', order: 'asc' }] }), []],
    ['a unique hash index', index({ method: 'hash', unique: true }), ['unique_not_supported']],
    [
      'a two-column hash index',
      index({
        method: 'hash',
        keyParts: [
          { column: 'id', order: 'asc' },
          { column: 'tags', order: 'asc' },
        ],
      }),
      ['multicolumn_not_supported'],
    ],
    ['a hash index with INCLUDE', index({ method: 'hash', include: ['tags'] }), ['include_not_supported']],
    [
      'a DESC gin key',
      index({ method: 'gin', keyParts: [{ column: 'tags', order: 'desc' }] }),
      ['order_not_supported'],
    ],
    ['a unique gist index', index({ method: 'gist', unique: true }), ['unique_not_supported']],
    ['a btree on json', index({ keyParts: [{ column: 'payload', order: 'asc' }] }), ['no_operator_class']],
    ['a virtual generated column', index({ keyParts: [{ column: 'v', order: 'asc' }] }), ['virtual_generated_column']],
    [
      '33 columns',
      index({
        keyParts: Array.from({ length: 30 }, () => ({ column: 'id', order: 'asc' as const })),
        include: ['a', 'b', 'c'],
      }),
      ['too_many_columns'],
    ],
  ])('%s', (_label, candidate, expected) => {
    expect(codes(candidate)).toEqual(expected);
  });

  it('allows INCLUDE on spgist from PostgreSQL 14 only', () => {
    const spgist = index({ method: 'spgist', include: ['tags'] });
    expect(codes(spgist, 13)).toEqual(['include_not_supported']);
    expect(codes(spgist, 14)).toEqual([]);
  });
});
