import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'missing-lock-timeout';

describe(rule, () => {
  it.each([
    [
      "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_a ON orders (a);",
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE orders (id bigint);\nCREATE INDEX idx_a ON orders (id);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    ['SELECT 1;', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      "CREATE INDEX CONCURRENTLY idx_a ON orders (a);\nSET lock_timeout = '5s';",
      'postgres',
      { rule, assumeInTransaction: false },
      1,
    ],
    [
      'SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX CONCURRENTLY idx_b;',
      'postgres',
      { rule, assumeInTransaction: false },
      2,
    ],
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
      1,
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
