import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'blocking-lock-option';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    [
      'ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body), LOCK=SHARED;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=SHARED;',
      'mysql',
      { rule, assumeInTransaction: false },
      1,
    ],
    ['ALTER TABLE orders DROP INDEX idx_a, LOCK=EXCLUSIVE;', 'mysql', { rule, assumeInTransaction: false }, 1],
    [
      'ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body), LOCK=EXCLUSIVE;',
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
