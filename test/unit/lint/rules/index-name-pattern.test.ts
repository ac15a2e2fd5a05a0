import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'index-name-pattern';

describe(rule, () => {
  it.each([
    [
      'CREATE INDEX CONCURRENTLY idx_orders_a ON orders (a);',
      'postgres',
      { rule, assumeInTransaction: false, planNames: ['idx_orders_b', 'idx_customers_email'] },
    ],
    ['CREATE INDEX CONCURRENTLY orders_a ON orders (a);', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'CREATE INDEX CONCURRENTLY orders_a ON orders (a);',
      'postgres',
      { rule, assumeInTransaction: false, planNames: ['idx_orders_b', 'idx_customers_email'] },
      1,
    ],
    [
      'ALTER TABLE orders ADD INDEX orders_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false, planNames: ['idx_orders_b', 'idx_customers_email'] },
      1,
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
