import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'algorithm-copy';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE orders (id int PRIMARY KEY);\nALTER TABLE orders ADD COLUMN a int, ALGORITHM=COPY;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=COPY, LOCK=SHARED;',
      'mysql',
      { rule, assumeInTransaction: false },
      1,
    ],
    ['ALTER TABLE orders MODIFY COLUMN a bigint, ALGORITHM=COPY;', 'mysql', { rule, assumeInTransaction: false }, 1],
    ['CREATE INDEX idx_a ON orders (a) ALGORITHM COPY LOCK NONE;', 'mysql', { rule, assumeInTransaction: false }, 1],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
