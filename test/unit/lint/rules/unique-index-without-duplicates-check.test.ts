import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'unique-index-without-duplicates-check';

describe(rule, () => {
  it.each([
    [
      '-- safe-index: duplicates-checked on 2024-05-01, none found\nCREATE UNIQUE INDEX CONCURRENTLY idx_code ON orders (code);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    ['CREATE INDEX CONCURRENTLY idx_code ON orders (code);', 'postgres', { rule, assumeInTransaction: false }],
    [
      'CREATE TABLE orders (code text);\nCREATE UNIQUE INDEX idx_code ON orders (code);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      '-- safe-index: duplicates-checked\nALTER TABLE orders ADD UNIQUE KEY uq_code (code), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'CREATE UNIQUE INDEX CONCURRENTLY idx_code ON orders (code);',
      'postgres',
      { rule, assumeInTransaction: false },
      1,
    ],
    [
      'ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);',
      'postgres',
      { rule, assumeInTransaction: false },
      1,
    ],
    [
      'ALTER TABLE orders ADD UNIQUE KEY uq_code (code), ALGORITHM=INPLACE, LOCK=NONE;',
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
