import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'drop-index-non-concurrently';

describe(rule, () => {
  it.each([
    ['DROP INDEX CONCURRENTLY idx_a;', 'postgres', { rule, assumeInTransaction: false }],
    ['DROP INDEX CONCURRENTLY IF EXISTS public.idx_a;', 'postgres', { rule, assumeInTransaction: false }],
    ['DROP TABLE old_orders;', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    ['DROP INDEX idx_a;', 'postgres', { rule, assumeInTransaction: false }, 1],
    ['SELECT 1;\nDROP INDEX IF EXISTS idx_a, idx_b;', 'postgres', { rule, assumeInTransaction: false }, 2],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
