import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'concurrently-in-transaction';

describe(rule, () => {
  it.each([
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres', { rule, assumeInTransaction: false }],
    ['BEGIN;\nCOMMIT;\nDROP INDEX CONCURRENTLY idx_a;', 'postgres', { rule, assumeInTransaction: false }],
    ['BEGIN;\nCREATE INDEX idx_a ON orders (a);\nCOMMIT;', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'BEGIN;\nCREATE INDEX CONCURRENTLY idx_a ON orders (a);\nCOMMIT;',
      'postgres',
      { rule, assumeInTransaction: false },
      2,
    ],
    [
      'START TRANSACTION;\nDROP INDEX CONCURRENTLY idx_a;\nCOMMIT;',
      'postgres',
      { rule, assumeInTransaction: false },
      2,
    ],
    ['BEGIN;\nREINDEX INDEX CONCURRENTLY idx_a;\nCOMMIT;', 'postgres', { rule, assumeInTransaction: false }, 2],
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres', { rule, assumeInTransaction: true }, 1],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
