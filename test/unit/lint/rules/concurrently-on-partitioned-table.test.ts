import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'concurrently-on-partitioned-table';

describe(rule, () => {
  it.each([
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX idx_at ON ONLY events (at);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE events (at timestamptz);\nCREATE INDEX CONCURRENTLY idx_at ON events (at);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    ['CREATE INDEX CONCURRENTLY idx_at ON events (at);', 'postgres', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX CONCURRENTLY idx_at ON events (at);',
      'postgres',
      { rule, assumeInTransaction: false },
      2,
    ],
    [
      'CREATE TABLE events (at timestamptz) PARTITION BY RANGE (at);\nCREATE INDEX idx_at ON events (at);\nDROP INDEX CONCURRENTLY idx_at;',
      'postgres',
      { rule, assumeInTransaction: false },
      3,
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
