import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'missing-online-ddl-options';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    ['CREATE INDEX idx_a ON orders (a) ALGORITHM INPLACE LOCK NONE;', 'mysql', { rule, assumeInTransaction: false }],
    ['DROP INDEX idx_a ON orders ALGORITHM=INPLACE LOCK=NONE;', 'mysql', { rule, assumeInTransaction: false }],
    [
      'CREATE TABLE orders (id int PRIMARY KEY, a int);\nALTER TABLE orders ADD INDEX idx_a (a);',
      'mysql',
      { rule, assumeInTransaction: false },
    ],
    ['ALTER TABLE orders ADD COLUMN note varchar(20);', 'mysql', { rule, assumeInTransaction: false }],
    ['ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body);', 'mysql', { rule, assumeInTransaction: false }],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    ['ALTER TABLE orders ADD INDEX idx_a (a);', 'mysql', { rule, assumeInTransaction: false }, 1],
    ['ALTER TABLE orders ADD INDEX idx_a (a), LOCK=NONE;', 'mysql', { rule, assumeInTransaction: false }, 1],
    ['CREATE INDEX idx_a ON orders (a);', 'mysql', { rule, assumeInTransaction: false }, 1],
    ['DROP INDEX idx_a ON orders;', 'mysql', { rule, assumeInTransaction: false }, 1],
    [
      'ALTER TABLE orders DROP KEY idx_a, ALGORITHM=DEFAULT, LOCK=NONE;',
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
