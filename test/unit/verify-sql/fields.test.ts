import { describe, expect, it } from 'vitest';
import type { IndexPlan } from '../../../src/plan-file/types.js';
import { checkMysqlField } from '../../../src/verify-sql/field-mysql.js';
import { checkPostgresField } from '../../../src/verify-sql/field-postgres.js';
import { checkPlanFields } from '../../../src/verify-sql/fields.js';

describe('PostgreSQL plan fields (libpg_query)', () => {
  it.each([
    ["status <> 'Cancelled'"],
    ['a > 0'],
    ['lower(email)'],
    ["(status)::text = ANY (ARRAY['a'::text, 'b'::text])"],
    ["note <> 'a; b -- c /* d */'"],
    ['$$;$$ <> note'],
    ['a IS NOT NULL AND (b > 1 OR c < 2)'],
    ["date_trunc('day', created_at)"],
  ])('accepts %s', async (text) => {
    expect(await checkPostgresField(text)).toEqual({ ok: true });
  });

  it.each([
    ["a > 0; SELECT nextval('s1'); SELECT 1 WHERE true", /terminator/],
    ['a > 0;', /terminator/],
    ['a > 0 -- the rest', /comment/],
    ['a > 0 /* x */', /comment/],
    ['a > 0 FROM t', /clause \(fromClause\)/],
    ['a, b', /2 comma-separated/],
    ['a AS b', /alias/],
    ['a UNION SELECT 1', /set operation|clause/],
    ['DISTINCT a', /clause \(distinctClause\)/],
    ['a INTO TEMP x', /clause \(intoClause\)/],
    ['a FOR UPDATE', /clause \(lockingClause\)/],
    ['a IN (SELECT b FROM t)', /subquery/],
    ['EXISTS (SELECT 1)', /subquery/],
    ['a >', /not one PostgreSQL expression/],
    ["'unterminated", /not valid PostgreSQL|not one/],
  ])('refuses %s', async (text, reason) => {
    const check = await checkPostgresField(text);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe('MySQL/MariaDB plan fields (guard + node-sql-parser)', () => {
  it.each([
    ['lower(email)'],
    ["json_unquote(json_extract(doc, '$.a'))"],
    ['cast(a as char(10))'],
    ['a + b * 2'],
    ["concat(first_name, ' ', last_name)"],
  ])('accepts %s', async (text) => {
    expect(await checkMysqlField(text)).toEqual({ ok: true });
  });

  it.each([
    ["a > 0; SELECT nextval('s1'); SELECT 1 WHERE true", /terminator/],
    ['lower(email) /*!50000 , sleep(1) */', /comment/],
    ['lower(email) -- rest', /comment/],
    ['lower(email) # rest', /comment/],
    ["note <> 'a;b'", /terminator/],
    ['a FROM t', /clause \(from\)/],
    ['a, b', /2 comma-separated/],
    ['a b', /alias/],
    ['(SELECT 1) + a', /subquery/],
    ['a IN (SELECT b FROM t)', /subquery/],
    ['@x := 1', /user variable/],
    ['a >', /not one MySQL\/MariaDB expression/],
  ])('refuses %s', async (text, reason) => {
    const check = await checkMysqlField(text);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe('checkPlanFields', () => {
  const source = { file: 'p.yml', line: 3, column: 5 };
  const plan: IndexPlan = {
    files: [],
    settings: { lockTimeoutMs: 1, maxRetries: 0, explainRuns: 1, maxRegression: 0 },
    indexes: [
      {
        name: 'idx_inj',
        table: 't',
        columns: ['a', { expression: 'lower(b); SELECT pg_sleep(1)' }],
        unique: false,
        where: "a > 0; SELECT nextval('s1')",
        include: [],
        state: 'present',
        verify: [],
        source,
        positions: {
          where: { file: 'p.yml', line: 7, column: 12 },
          'columns.1.expression': { file: 'p.yml', line: 6, column: 30 },
        },
      },
    ],
  };

  it.each(['postgres', 'mysql'] as const)('names the field and its file:line:col (%s)', async (dialect) => {
    const problems = await checkPlanFields(plan, dialect);
    expect(problems.map((p) => [p.code, p.line, p.column, p.message.split(';')[0]])).toEqual([
      ['plan_sql_field', 7, 12, 'index "idx_inj": where must be exactly one SQL expression'],
      ['plan_sql_field', 6, 30, 'index "idx_inj": columns[1].expression must be exactly one SQL expression'],
    ]);
  });
});
