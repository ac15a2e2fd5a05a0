import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'fulltext-or-spatial-index';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE docs (id int PRIMARY KEY, body text);\nALTER TABLE docs ADD FULLTEXT INDEX ft_body (body);',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    ['ALTER TABLE docs ADD FULLTEXT INDEX ft_body (body);', 'mysql', { rule, assumeInTransaction: false }, 1],
    ['CREATE SPATIAL INDEX sp_geo ON places (geo);', 'mysql', { rule, assumeInTransaction: false }, 1],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
