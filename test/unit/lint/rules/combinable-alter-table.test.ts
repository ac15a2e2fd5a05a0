import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'combinable-alter-table';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;\nALTER TABLE customers ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;\nALTER TABLE orders ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
      2,
    ],
    [
      'ALTER TABLE shop.orders DROP INDEX idx_a, ALGORITHM=INPLACE, LOCK=NONE;\nCREATE INDEX idx_b ON orders (b) ALGORITHM INPLACE LOCK NONE;',
      'mysql',
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
