import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'create-index-non-concurrently';

describe(rule, () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres', { rule, assumeInTransaction: false }],
    [
      'CREATE TABLE orders (id bigint, a int);\nCREATE INDEX idx_a ON orders (a);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE shop.orders (id bigint);\nCREATE INDEX idx_a ON orders (id);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    ['CREATE INDEX idx_a ON orders (a);', 'postgres', { rule, assumeInTransaction: false }, 1],
    [
      'CREATE TABLE other (id int);\nCREATE UNIQUE INDEX idx_a ON orders USING btree (lower(email)) WHERE deleted_at IS NULL;',
      'postgres',
      { rule, assumeInTransaction: false },
      2,
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
