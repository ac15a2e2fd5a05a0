import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedPlanHash } from '../../../src/saved-plan/document.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { seqRows } from '../../support/mysql-rows.js';
import { writePlan } from '../../support/plans.js';

/** Runs plan, explain and apply on one plan file; every one must exit 1. */
async function refusedByAllCommands(file: string, url: string): Promise<string[]> {
  const outputs: string[] = [];
  for (const command of ['plan', 'explain', 'apply']) {
    const extra = command === 'apply' ? ['--yes', '--rollback-dir', `${file}.rollbacks`] : [];
    const result = await runCli([command, file, '--url', url, ...extra]);
    expect(result.exitCode, `${command}: ${result.stdout}${result.stderr}`).toBe(1);
    outputs.push(result.stdout + result.stderr);
  }
  return outputs;
}

/** A plan whose one index carries the given verify queries, one per line from line 7 on. */
function planWith(queries: string[]): string {
  const verify = queries.map((sql, i) => `      - {name: q${i}, sql: ${JSON.stringify(sql)}}`).join('\n');
  return `indexes:\n  - name: idx_t_a\n    table: t\n    columns: [a]\n    verify:\n${verify}\n`;
}

describe.each(testServersOf('postgres'))('verify queries call only functions without effects on $label', (server) => {
  let test: TestDatabase;
  let victim: pg.Client;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (a int, b text)');
    await test.exec('insert into t select g, g::text from generate_series(1, 100) g');
    await test.exec('create sequence s1');
    await test.exec("create function loud_eq(int, int) returns boolean volatile language sql as 'select $1 = $2'");
    await test.exec('create operator === (function = loud_eq, leftarg = int, rightarg = int)');
    await test.exec("create function quiet_double(int) returns int stable language sql as 'select $1 * 2'");
    await test.exec("create view loud_view as select a, nextval('s1') as n from t");
    await test.exec('create view outer_view as select a from loud_view');
    await test.exec('create table guarded (a int)');
    await test.exec('alter table guarded enable row level security');
    await test.exec('create policy guarded_read on guarded using (a === 1)');
    await test.exec('create view quiet_view as select a, lower(b) as b from t');
    victim = new pg.Client({ connectionString: test.url, application_name: 'victim-app' });
    await victim.connect();
  });
  afterAll(async () => {
    await victim?.end().catch(() => {});
    await test?.drop();
  });

  const victimAlive = async () => {
    const { rows } = await victim.query('select pg_backend_pid() as pid');
    const [seen] = await test.exec(
      "select count(*)::int as n from pg_stat_activity where application_name = 'victim-app'",
    );
    return { pid: Number(rows[0]?.pid), seen: seen?.n };
  };

  it('control: the attack query really kills the victim when run by hand', async () => {
    const other = new pg.Client({ connectionString: test.url, application_name: 'victim-app' });
    await other.connect();
    other.on('error', () => {});
    const { rows } = await other.query('select pg_backend_pid() as pid');
    await test.exec('select pg_terminate_backend(?::int)', [Number(rows[0]?.pid)]);
    await expect(other.query('select 1')).rejects.toThrow();
  });

  it('refuses VOLATILE functions and operators at file:line in plan, explain and apply; the victim survives, the canary has not moved', async () => {
    const before = await victimAlive();
    const file = await writePlan(
      planWith([
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim-app'",
        "SELECT a FROM t WHERE a = nextval('s1')",
        'SELECT a FROM t WHERE a === 3',
        'SELECT a FROM t WHERE a = quiet_double(2) AND b = lower(b)',
      ]),
    );
    for (const stderr of await refusedByAllCommands(file, test.url)) {
      expect(stderr).toContain(
        `${file}:6:25: verify query "q0" of index "idx_t_a" is refused: it calls pg_catalog.pg_terminate_backend(), which is VOLATILE in pg_proc`,
      );
      expect(stderr).toContain(
        `${file}:7:25: verify query "q1" of index "idx_t_a" is refused: it calls pg_catalog.nextval()`,
      );
      expect(stderr).toContain(
        `${file}:8:25: verify query "q2" of index "idx_t_a" is refused: it uses the operator ===, whose function is VOLATILE`,
      );
      expect(stderr).not.toContain('"q3"'); // STABLE and IMMUTABLE functions pass
    }
    expect(await victimAlive()).toEqual(before);
    expect(before.seen).toBe(1);
    const [sequence] = await test.exec('select last_value, is_called from s1');
    expect(sequence).toEqual({ last_value: '1', is_called: false });
    const [index] = await test.exec("select count(*)::int as n from pg_indexes where indexname = 'idx_t_a'");
    expect(index?.n).toBe(0);
  });

  it('refuses a view or a row-security policy that reaches a VOLATILE function, through nested views', async () => {
    const file = await writePlan(
      planWith([
        'SELECT a FROM loud_view WHERE a = 1',
        'SELECT a FROM outer_view WHERE a = 1',
        'SELECT a FROM guarded',
      ]),
    );
    for (const output of await refusedByAllCommands(file, test.url)) {
      expect(output).toContain(
        `${file}:6:25: verify query "q0" of index "idx_t_a" is refused: it reads loud_view, whose view rules or row-security policies call pg_catalog.nextval(), which is VOLATILE`,
      );
      expect(output).toContain(
        `${file}:7:25: verify query "q1" of index "idx_t_a" is refused: it reads outer_view, whose view rules`,
      );
      expect(output).toContain(
        `${file}:8:25: verify query "q2" of index "idx_t_a" is refused: it reads guarded, whose view rules or row-security policies call public.loud_eq()`,
      );
    }
    const [sequence] = await test.exec('select last_value, is_called from s1');
    expect(sequence).toEqual({ last_value: '1', is_called: false });
  });

  it('apply of a saved plan whose verify query was rewritten (hash recomputed) refuses it; the victim survives', async () => {
    const before = await victimAlive();
    const file = await writePlan(planWith(['SELECT a FROM t WHERE a = 3']));
    const out = `${file}.saved.json`;
    const planned = await runCli(['plan', file, '--url', test.url, '--out', out]);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const saved = JSON.parse(await readFile(out, 'utf8'));
    saved.changes[0].verify[0].sql =
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim-app'";
    saved.hash = savedPlanHash(saved);
    await writeFile(out, JSON.stringify(saved, null, 2));
    const applied = await runCli(['apply', out, '--url', test.url, '--yes', '--rollback-dir', `${file}.rollbacks`]);
    expect(applied.exitCode).toBe(1);
    expect(applied.stdout + applied.stderr).toMatch(/is refused: it calls pg_catalog\.pg_terminate_backend\(\)/);
    expect(await victimAlive()).toEqual(before);
    const [index] = await test.exec("select count(*)::int as n from pg_indexes where indexname = 'idx_t_a'");
    expect(index?.n).toBe(0);
  });

  it('accepts a plan whose verify queries call only STABLE/IMMUTABLE functions (exit 2, changes pending)', async () => {
    const file = await writePlan(
      planWith([
        'SELECT a FROM t WHERE a = quiet_double(2) AND b = lower(b)',
        'SELECT a FROM quiet_view WHERE b = $$x$$',
      ]),
    );
    const result = await runCli(['plan', file, '--url', test.url]);
    expect(result.exitCode, result.stderr).toBe(2);
  });
});

describe.each(testServersOf('mysql'))('verify queries call only functions without effects on $label', (server) => {
  let test: TestDatabase;
  let victim: mysql.Connection;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (a int, b varchar(20)) engine=InnoDB');
    await test.exec('create table t1 (a int) engine=InnoDB');
    await test.exec(`insert into t select seq, seq from ${seqRows(100)}`);
    await test.exec('insert into t1 values (7)');
    await test.exec('create function noisy(x int) returns int not deterministic modifies sql data return x');
    await test.exec('create function calm(x int) returns int deterministic reads sql data return x * 2');
    await test.exec('create view sleepy_view as select a, sleep(0) as s from t');
    await test.exec('create view noisy_view as select a, noisy(a) as n from t');
    await test.exec('create view outer_noisy_view as select a from noisy_view');
    await test.exec('create view calm_view as select a, calm(a) as c from t');
    const url = new URL(test.url);
    victim = await mysql.createConnection({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      database: test.name,
    });
    await victim.query("select get_lock('victim-lock', 0)");
  });
  afterAll(async () => {
    await victim?.end().catch(() => {});
    await test?.drop();
  });

  const victimState = async () => {
    const [rows] = await victim.query("select connection_id() as id, is_used_lock('victim-lock') as holder");
    return (rows as Array<{ id: number; holder: number }>)[0];
  };

  it('refuses SLEEP, GET_LOCK, executable comments and stored functions with effects at file:line; the victim keeps its session and lock', async () => {
    const before = await victimState();
    expect(before?.holder).toBe(before?.id);
    const file = await writePlan(
      planWith([
        'SELECT a FROM t WHERE a = 1 AND SLEEP(3) = 0',
        "SELECT GET_LOCK('victim-lock', 3)",
        "SELECT a FROM t1 WHERE a = 7 /*!50000 INTO OUTFILE 'x.txt' */",
        "SELECT a FROM t1 WHERE a = 7 /*!50000 , GET_LOCK('l', 0) */",
        'SELECT a FROM t WHERE a = noisy(2)',
        'SELECT a FROM t WHERE a = calm(2)',
      ]),
    );
    const outputs = await refusedByAllCommands(file, test.url);
    for (const stderr of outputs) {
      expect(stderr).toContain(`${file}:6:25: verify query "q0" of index "idx_t_a" is refused: it names SLEEP`);
      expect(stderr).toContain(`${file}:7:25: verify query "q1" of index "idx_t_a" is refused: it names GET_LOCK`);
      expect(stderr).toContain(
        `${file}:8:25: verify query "q2" of index "idx_t_a" is refused: a verify query must not contain an executable comment`,
      );
      expect(stderr).toContain(
        `${file}:9:25: verify query "q3" of index "idx_t_a" is refused: a verify query must not contain an executable comment`,
      );
    }
    // the syntactic refusals come before connecting; the stored function needs the target: a second run without them
    const stored = await writePlan(
      planWith(['SELECT a FROM t WHERE a = noisy(2)', 'SELECT a FROM t WHERE a = calm(2)']),
    );
    for (const stderr of await refusedByAllCommands(stored, test.url)) {
      expect(stderr).toContain(
        `${stored}:6:25: verify query "q0" of index "idx_t_a" is refused: it names the stored function ${test.name}.noisy (in the query or a view it reads), declared NOT DETERMINISTIC, MODIFIES SQL DATA`,
      );
      expect(stderr).not.toContain('"q1"');
    }
    expect(await victimState()).toEqual(before);
    const [index] = await test.exec(
      "select count(*) as n from information_schema.statistics where table_schema = database() and index_name = 'idx_t_a'",
    );
    expect(Number(index?.n)).toBe(0);
  });

  it('refuses a view that calls a built-in or stored function with effects, through nested views', async () => {
    const file = await writePlan(
      planWith([
        'SELECT a FROM sleepy_view WHERE a = 1',
        'SELECT a FROM outer_noisy_view WHERE a = 1',
        'SELECT a FROM calm_view WHERE a = 1',
      ]),
    );
    for (const output of await refusedByAllCommands(file, test.url)) {
      expect(output).toContain(
        `${file}:6:25: verify query "q0" of index "idx_t_a" is refused: it reads the view ${test.name}.sleepy_view, which calls SLEEP`,
      );
      expect(output).toContain(
        `${file}:7:25: verify query "q1" of index "idx_t_a" is refused: it names the stored function ${test.name}.noisy`,
      );
      expect(output).not.toContain('"q2"');
    }
  });

  it('refuses the syntactic cases before any connection is opened (a listening port sees none)', async () => {
    let connections = 0;
    const listener = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const address = listener.address();
      const url = `mysql://root@127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/nothing`;
      const file = await writePlan(planWith(["SELECT a FROM t1 WHERE a = 7 /*!50000 INTO OUTFILE 'x.txt' */"]));
      const outputs = await refusedByAllCommands(file, url);
      for (const stderr of outputs) expect(stderr).toMatch(/executable comment/);
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => listener.close(() => resolve()));
    }
  });
});
