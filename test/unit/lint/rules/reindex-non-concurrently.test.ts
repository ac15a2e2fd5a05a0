import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'reindex-non-concurrently';

describe(rule, () => {
  it.each([
    ['REINDEX INDEX CONCURRENTLY idx_a;', 'postgres', { rule, assumeInTransaction: false }],
    ['REINDEX (CONCURRENTLY) TABLE orders;', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    ['REINDEX INDEX idx_a;', 'postgres', { rule, assumeInTransaction: false }, 1],
    ['REINDEX TABLE orders;', 'postgres', { rule, assumeInTransaction: false }, 1],
    ['REINDEX (CONCURRENTLY false) TABLE orders;', 'postgres', { rule, assumeInTransaction: false }, 1],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
