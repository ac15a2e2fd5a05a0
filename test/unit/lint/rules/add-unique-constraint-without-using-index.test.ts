import { describe, expect, it } from 'vitest';
import type { LintDialect } from '../../../../src/lint/types.js';
import { findingsOf } from '../lint-helper.js';

const rule = 'add-unique-constraint-without-using-index';

describe(rule, () => {
  it.each([
    [
      'ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX idx_code;',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX idx_id;',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'CREATE TABLE orders (id bigint, code text);\nALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
    [
      'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;',
      'postgres',
      { rule, assumeInTransaction: false },
    ],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2]]>)('accepts %s', async (sql, dialect, options) => {
    expect(await findingsOf(sql, dialect, options)).toEqual([]);
  });

  it.each([
    [
      'ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);',
      'postgres',
      { rule, assumeInTransaction: false },
      1,
    ],
    ['ALTER TABLE orders ADD PRIMARY KEY (id);', 'postgres', { rule, assumeInTransaction: false }, 1],
    ['ALTER TABLE orders ADD COLUMN code text UNIQUE;', 'postgres', { rule, assumeInTransaction: false }, 1],
  ] as Array<[string, LintDialect, Parameters<typeof findingsOf>[2], number]>)(
    'flags %s',
    async (sql, dialect, options, line) => {
      expect(await findingsOf(sql, dialect, options)).toEqual([`${rule}@${line}`]);
    },
  );
});
