import { describe, expect, it } from 'vitest';
import type { IndexPlan } from '../../../src/plan-file/types.js';
import { checkVerifyQueries, checkVerifySql } from '../../../src/verify-sql/check.js';

describe('PostgreSQL verify queries (libpg_query)', () => {
  it.each([
    ['SELECT id FROM t WHERE a = 1', 'SELECT id FROM t WHERE a = 1'],
    ['select id from t where a = 1 ;  ', 'select id from t where a = 1'],
    ['WITH x AS (SELECT id FROM t) SELECT * FROM x', 'WITH x AS (SELECT id FROM t) SELECT * FROM x'],
    ['SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1', 'SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1'],
    ["SELECT 'delete from t; insert' AS s", "SELECT 'delete from t; insert' AS s"],
  ])('accepts %s', async (sql, statement) => {
    expect(await checkVerifySql(sql, 'postgres')).toMatchObject({ ok: true, statement });
  });

  it('names every function and operator the query calls, for the volatility check on the target', async () => {
    const check = await checkVerifySql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = lower('Victim') AND " +
        'a BETWEEN 1 AND 2 AND b OPERATOR(public.===) 1 AND extract(year FROM c) > 1 AND d IN (SELECT public.f(x) FROM u)',
      'postgres',
    );
    expect(check.ok ? check.routines : []).toEqual([
      { kind: 'function', name: 'pg_terminate_backend' },
      { kind: 'relation', name: 'pg_stat_activity' },
      { kind: 'operator', name: '=' },
      { kind: 'function', name: 'lower' },
      { kind: 'operator', name: '===', schema: 'public' },
      { kind: 'operator', name: '>' },
      { kind: 'function', name: 'extract', schema: 'pg_catalog' },
      { kind: 'function', name: 'f', schema: 'public' },
      { kind: 'relation', name: 'u' },
    ]);
  });

  it.each([
    ['INSERT INTO t VALUES (1)', /not Insert/],
    ['UPDATE t SET a = 1', /not Update/],
    ['DELETE FROM t', /not Delete/],
    ['MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE', /not Merge/],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /contains a DELETE/],
    ['WITH d AS (UPDATE t SET a = 2 RETURNING *) SELECT * FROM d', /contains an UPDATE/],
    ['WITH d AS (INSERT INTO t VALUES (1) RETURNING *) SELECT * FROM d', /contains an INSERT/],
    ['SELECT * INTO copy_of_t FROM t', /SELECT \.\.\. INTO/],
    ['SELECT * FROM t FOR UPDATE', /locking clause/],
    ['SELECT * FROM (SELECT * FROM t FOR SHARE) s', /locking clause/],
    ['SELECT 1; DELETE FROM t', /exactly one statement, found 2/],
    ['SELECT 1; SELECT 2', /exactly one statement, found 2/],
    ['', /empty/],
    ['CALL p()', /not Call/],
    ['SET search_path = x', /not VariableSet/],
    ['EXPLAIN ANALYZE DELETE FROM t', /not Explain/],
    ['SELEC 1', /not valid PostgreSQL/],
  ])('refuses %s', async (sql, reason) => {
    const check = await checkVerifySql(sql, 'postgres');
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe.each(['mysql', 'mariadb'] as const)('%s verify queries (node-sql-parser)', (grammar) => {
  it.each([
    ["SELECT name FROM `tabSales Invoice` WHERE customer = 'C-1' ORDER BY posting_date DESC LIMIT 20"],
    ['WITH x AS (SELECT id FROM t) SELECT * FROM x'],
    ['SELECT a FROM t WHERE b IN (SELECT b FROM u);'],
    ["SELECT name FROM `tabSales Invoice` WHERE customer = 'C-1' AND status = 'Unpaid' ORDER BY posting_date DESC"],
  ])('accepts %s', (sql) => {
    const check = checkVerifySql(sql, grammar);
    return expect(check).resolves.toMatchObject({ ok: true });
  });

  it.each([
    ['INSERT INTO t VALUES (1)', /not INSERT/],
    ['REPLACE INTO t VALUES (1)', /not REPLACE/],
    ['UPDATE t SET a = 1', /not UPDATE/],
    ['DELETE FROM t', /not DELETE/],
    ['SELECT a FROM t INTO OUTFILE "/tmp/x"', /INTO OUTFILE/],
    ['SELECT a INTO @x FROM t', /INTO VAR/],
    ['SELECT a FROM t FOR UPDATE', /locking read/],
    ['SELECT a FROM t LOCK IN SHARE MODE', /locking read|parser accepts/],
    ['SELECT a FROM t WHERE (SELECT 1 FROM u FOR UPDATE)', /locking read|parser accepts/],
    ['SELEC 1', /parser accepts/],
    ['SELECT 1; DELETE FROM t', /exactly one statement, found 2/],
    ['CALL p()', /not CALL/],
    ['SET @a = 1', /not SET/],
    ["SELECT a FROM t1 WHERE a = 7 /*!50000 INTO OUTFILE 'x.txt' */", /executable comment \(\/\*!/],
    ["SELECT a FROM t1 WHERE a = 7 /*!50000 , GET_LOCK('l', 0) */", /executable comment/],
    ['SELECT a FROM t1 WHERE a = 7 /*M!100000 , SLEEP(1) */', /executable comment \(\/\*M!/],
    ['SELECT /*+ SET_VAR(sort_buffer_size = 16M) */ a FROM t', /optimizer-hint comment/],
    ['SELECT a /* note */ FROM t', /block comment/],
    ['SELECT SLEEP(5)', /names SLEEP, a built-in with effects/],
    ['SELECT a FROM t WHERE BENCHMARK(1000000, md5(a)) = 0', /BENCHMARK/],
    ["SELECT GET_LOCK('l', 0)", /GET_LOCK/],
    ["SELECT RELEASE_LOCK('l')", /RELEASE_LOCK/],
    ['SELECT RELEASE_ALL_LOCKS()', /RELEASE_ALL_LOCKS/],
    ["SELECT IS_USED_LOCK('l')", /IS_USED_LOCK/],
    ["SELECT LOAD_FILE('/etc/passwd')", /LOAD_FILE/],
    ["SELECT MASTER_POS_WAIT('log', 4)", /MASTER_POS_WAIT/],
    ["SELECT SOURCE_POS_WAIT('log', 4)", /SOURCE_POS_WAIT/],
    ["SELECT NAME_CONST('a', 1)", /NAME_CONST/],
    ["SELECT 'x' FROM t WHERE a = 'sleep(1)'", /SLEEP/],
    ['SELECT @x := a FROM t', /assign user variables/],
  ])('refuses %s', async (sql, reason) => {
    const check = await checkVerifySql(sql, grammar);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toMatch(reason);
  });
});

describe('checkVerifyQueries', () => {
  it('reports a refused query at its file:line:col and keeps good ones quiet', async () => {
    const source = (line: number) => ({ file: 'plans/a.yml', line, column: 14 });
    const plan: IndexPlan = {
      files: [],
      settings: { lockTimeoutMs: 1, maxRetries: 1, explainRuns: 3, maxRegression: 0.05, snapshotWaitMs: 600_000 },
      indexes: [
        {
          name: 'idx_a',
          table: 't',
          columns: ['a'],
          unique: false,
          include: [],
          state: 'present',
          verify: [
            { name: 'good', sql: 'SELECT * FROM t WHERE a = 1', source: source(7) },
            { name: 'bad', sql: 'DELETE FROM t', source: source(9) },
          ],
          source: source(3),
          positions: {},
        },
      ],
    };
    expect(await checkVerifyQueries(plan, 'postgres')).toEqual([
      {
        code: 'verify_not_read_only',
        message:
          'verify query "bad" of index "idx_a" is refused: a verify query must be a SELECT or WITH ... SELECT, not Delete',
        file: 'plans/a.yml',
        line: 9,
        column: 14,
        index: 'idx_a',
        table: 't',
      },
    ]);
  });
});
