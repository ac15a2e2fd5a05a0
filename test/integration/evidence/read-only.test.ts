import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { inReadOnlyTransaction, measureQueries } from '../../../src/evidence/measure.js';
import { checkVerifySql } from '../../../src/verify-sql/check.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { createVictims, victimsFingerprint } from './support.js';

/** A query that would write, whether the parser refuses it, and what the read-only transaction says if run anyway. */
interface Attempt {
  sql: string;
  /** The parser lets it through (a SELECT calling a function): the function check on the target stops it. */
  parses?: true;
  /** The error the read-only transaction raises when the parser is bypassed; null: not tried past the parser. */
  readOnlyError: RegExp | null;
}

const readOnlyPg = /read-only transaction/;
const readOnlyMaria = /READ ONLY transaction/i;

const postgresAttempts: Attempt[] = [
  { sql: "INSERT INTO victims VALUES (5000, 'x')", readOnlyError: readOnlyPg },
  { sql: "UPDATE victims SET name = 'x'", readOnlyError: readOnlyPg },
  { sql: 'DELETE FROM victims', readOnlyError: readOnlyPg },
  { sql: 'WITH d AS (DELETE FROM victims RETURNING *) SELECT count(*) FROM d', readOnlyError: readOnlyPg },
  { sql: "WITH u AS (UPDATE victims SET name = 'x' RETURNING id) SELECT * FROM u", readOnlyError: readOnlyPg },
  { sql: 'SELECT * INTO victims_copy FROM victims', readOnlyError: readOnlyPg },
  { sql: 'SELECT * FROM victims WHERE id = 1 FOR UPDATE', readOnlyError: readOnlyPg },
  // the extended protocol refuses a second statement before the read-only transaction is asked
  { sql: 'SELECT 1; DELETE FROM victims', readOnlyError: /cannot insert multiple commands into a prepared statement/ },
  {
    sql: "MERGE INTO victims v USING (SELECT 1 AS id) s ON v.id = s.id WHEN MATCHED THEN UPDATE SET name = 'x'",
    readOnlyError: readOnlyPg,
  },
  { sql: 'TRUNCATE victims', readOnlyError: readOnlyPg },
  { sql: 'SELECT bump_victims()', parses: true, readOnlyError: readOnlyPg },
];

const mariadbAttempts: Attempt[] = [
  { sql: "INSERT INTO victims VALUES (5000, 'x')", readOnlyError: readOnlyMaria },
  { sql: "REPLACE INTO victims VALUES (1, 'x')", readOnlyError: readOnlyMaria },
  { sql: "UPDATE victims SET name = 'x'", readOnlyError: readOnlyMaria },
  { sql: 'DELETE FROM victims', readOnlyError: readOnlyMaria },
  { sql: 'SELECT * FROM victims WHERE id = 1 FOR UPDATE', readOnlyError: null },
  { sql: "SELECT * FROM victims INTO OUTFILE '/tmp/safe-index-victims.txt'", readOnlyError: null },
  { sql: 'SELECT 1; DELETE FROM victims', readOnlyError: /syntax/ },
  { sql: 'SELECT bump_victims()', parses: true, readOnlyError: readOnlyMaria },
];

const bumpFunction = {
  postgres: `create function bump_victims() returns int language plpgsql as $$
    begin insert into victims values ((select max(id) + 1 from victims), 'bumped'); return 1; end $$`,
  mysql: `create function bump_victims() returns int modifies sql data
    begin insert into victims values ((select max(id) + 1 from victims v), 'bumped'); return 1; end`,
};

describe.each(testServers())('verify queries never write on $label', (server) => {
  let test: TestDatabase;
  let original: string;
  const attempts = server.dialect === 'postgres' ? postgresAttempts : mariadbAttempts;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createVictims(test);
    await test.exec(bumpFunction[server.dialect]);
    original = await victimsFingerprint(test);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('the side-effect function really writes outside a read-only transaction (control)', async () => {
    const scratch = await test.db.session();
    try {
      await scratch.query('BEGIN');
      await scratch.query('SELECT bump_victims()');
      const [row] = await scratch.query("select count(*) as n from victims where name = 'bumped'");
      expect(Number(row?.n)).toBe(1);
    } finally {
      await scratch.query('ROLLBACK');
      await scratch.release();
    }
    expect(await victimsFingerprint(test)).toBe(original);
  });

  it.each(attempts)('$sql: refused or fails, and the table is unchanged', async (attempt) => {
    const check = await checkVerifySql(attempt.sql, test.db.server.flavor);
    expect(check.ok).toBe(attempt.parses === true);

    const explain = dialectOf(test.db).explain;
    const target = {
      index: 'victims_pkey',
      table: { schema: test.db.server.defaultSchema, name: 'victims' },
      state: 'present' as const,
      query: { name: 'attempt', sql: attempt.sql, source: { file: 'v.yml', line: 1, column: 1 } },
    };
    const [measured] = await measureQueries(test.db, explain, test.db.server.flavor, [target], { runs: 2 });
    const outcome = measured!.outcome;
    if (outcome.ok) throw new Error(`${attempt.sql} was measured`);
    // a SELECT calling a function with effects parses, and is refused by the target's function check
    expect(outcome.error).toMatch(attempt.parses ? /^refused: .*(VOLATILE|stored function)/ : /^refused: /);
    expect(await victimsFingerprint(test)).toBe(original);

    if (attempt.readOnlyError) {
      // second layer: the same SQL sent past the parser into the read-only transaction the tool uses
      const session = await test.db.session();
      try {
        await inReadOnlyTransaction(session, explain, 10_000, () =>
          expect(session.query(attempt.sql)).rejects.toThrow(attempt.readOnlyError),
        );
      } finally {
        await session.release();
      }
      expect(await victimsFingerprint(test)).toBe(original);
    }
  });
});
