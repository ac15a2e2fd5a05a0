import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { seqRows } from '../../support/mysql-rows.js';

const tables = {
  postgres: [
    'create table orders (id serial primary key, customer int not null, status text not null, total int not null)',
    'create table other (id serial primary key, note text)',
    'create index idx_orders_old on orders (status)',
    'create index idx_orders_total on orders (total)',
    `insert into orders (customer, status, total) select g % 50, case when g % 3 = 0 then 'paid' else 'new' end, g from generate_series(1, 500) g`,
  ],
  mysql: [
    'create table orders (id int auto_increment primary key, customer int not null, status varchar(20) not null, total int not null)',
    'create table other (id int auto_increment primary key, note varchar(50))',
    'create index idx_orders_old on orders (status)',
    'create index idx_orders_total on orders (total)',
    `insert into orders (customer, status, total) select seq % 50, if(seq % 3 = 0, 'paid', 'new'), seq from ${seqRows(500)}`,
  ],
};

/** PostgreSQL's own log of every DDL command (an event trigger), to prove which statements ran. */
const ddlLog = [
  'create table ddl_log (id serial primary key, tag text not null, query text not null)',
  `create function log_ddl() returns event_trigger language plpgsql as $$
     begin insert into ddl_log (tag, query) values (tg_tag, current_query()); end $$`,
  'create event trigger log_ddl on ddl_command_end execute function log_ddl()',
];

const plan = `settings:
  lock_timeout: 2s
indexes:
  - name: idx_orders_customer_status
    table: orders
    columns: [customer, status]
    verify:
      - name: orders of a customer
        sql: "SELECT id FROM orders WHERE customer = 7 AND status = 'new'"
  - name: idx_orders_old
    table: orders
    state: absent
  - name: idx_orders_total
    table: orders
    columns: [{column: total, order: desc}]
  - name: other_pkey_like
    table: other
    columns: [id]
    state: absent
`;

const withoutCreatedAt = (text: string) => text.replace(/"created_at": "[^"]+"/, '"created_at": "-"');

describe.each(testServers())('saved plans on $label', (server) => {
  let test: TestDatabase;
  let elsewhere: TestDatabase;
  let dir: string;
  const pg = server.dialect === 'postgres';
  const file = (name: string) => path.join(dir, name);
  const cli = (args: string[], url = test.url) =>
    runCli([...args, '--url', url, ...(args[0] === 'apply' ? ['--rollback-dir', file('rollbacks')] : [])]);
  const indexDdl = async () =>
    (
      await test.exec(
        "select query from ddl_log where tag in ('CREATE INDEX', 'DROP INDEX', 'ALTER INDEX') order by id",
      )
    )
      .map((row) => String(row.query))
      .filter((query) => !query.includes('safe_index_'));
  const stateTablesExist = async () =>
    (
      await test.exec(
        pg
          ? "select 1 from information_schema.tables where table_name = 'safe_index_runs' and table_catalog = current_database()"
          : "select 1 from information_schema.tables where table_name = 'safe_index_runs' and table_schema = database()",
      )
    ).length > 0;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    elsewhere = await createTestDatabase(server);
    for (const sql of tables[server.dialect]) {
      await test.exec(sql);
      await elsewhere.exec(sql);
    }
    if (pg) for (const sql of ddlLog) await test.exec(sql);
    dir = await mkdtemp(path.join(tmpdir(), 'safe-index-saved-'));
    await writeFile(file('orders.yml'), plan);
  });
  afterAll(async () => {
    await test?.drop();
    await elsewhere?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('plan --out twice against the same state gives the same document apart from created_at', async () => {
    const first = await cli(['plan', file('orders.yml'), '--out', file('a.json')]);
    expect(first.exitCode).toBe(2);
    expect(first.stderr).toContain(`saved plan written to ${file('a.json')}`);
    const second = await cli(['plan', file('orders.yml'), '--out', file('b.json'), '--format', 'markdown']);
    expect(second.exitCode).toBe(2);
    const [a, b] = [await readFile(file('a.json'), 'utf8'), await readFile(file('b.json'), 'utf8')];
    expect(withoutCreatedAt(a)).toBe(withoutCreatedAt(b));
    const doc = JSON.parse(a);
    expect(Object.keys(doc)).toEqual([
      'changes',
      'created_at',
      'fingerprints',
      'format',
      'hash',
      'plan_files',
      'settings',
      'target',
      'tool_version',
    ]);
    expect(doc.format).toBe('safe-index-plan/1');
    expect(doc.target).toMatchObject({
      dialect: server.dialect,
      database: test.name,
      server_version: test.db.server.version,
    });
    expect(JSON.stringify(doc.target)).not.toMatch(/password|postgres@|root@/);
    expect(doc.plan_files).toEqual([{ path: file('orders.yml'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    // only the table with pending changes is fingerprinted, with every index incl. the primary key
    expect(doc.fingerprints.map((f: { table: string }) => f.table)).toEqual(['orders']);
    expect(doc.fingerprints[0].indexes).toHaveLength(3);
    expect(doc.fingerprints[0].indexes.join('\n')).toContain('-- valid');
    expect(doc.changes.map((c: { action: string }) => c.action)).toEqual(['create', 'drop', 'replace', 'noop']);
    expect(second.stdout).toContain(doc.hash.slice(0, 12));
  });

  it('writes no saved plan when the plan has errors', async () => {
    await writeFile(
      file('broken.yml'),
      'indexes:\n  - name: idx_missing\n    table: no_such_table\n    columns: [a]\n',
    );
    const broken = await cli(['plan', file('broken.yml'), '--out', file('broken.json')]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toContain(`no saved plan written to ${file('broken.json')}: the plan has errors`);
    await expect(readFile(file('broken.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('show prints the saved plan as text and markdown without connecting', async () => {
    const doc = JSON.parse(await readFile(file('a.json'), 'utf8'));
    const text = await runCli(['show', file('a.json')]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(doc.hash.slice(0, 12));
    expect(text.stdout).toContain('idx_orders_customer_status');
    const markdown = await runCli(['show', file('a.json'), '--format', 'markdown']);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain('| ');
    expect((await runCli(['show', file('orders.yml')])).exitCode).toBe(1);
    expect((await runCli(['show', file('a.json'), '--format', 'json'])).exitCode).toBe(1);
  });

  it('an index made by hand on an involved table between plan and apply: exit 1 with the diff, no DDL sent', async () => {
    await test.exec('create index idx_by_hand on orders (customer)');
    if (pg) await test.exec('delete from ddl_log');
    const refused = await cli(['apply', file('a.json'), '--yes']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('changed since the plan was saved');
    expect(refused.stderr).toMatch(/^\+.*idx_by_hand/m);
    expect(await stateTablesExist()).toBe(false);
    if (pg) expect(await indexDdl()).toEqual([]);
    await test.exec(pg ? 'drop index idx_by_hand' : 'drop index idx_by_hand on orders');
    if (pg) await test.exec('delete from ddl_log');
  });

  it('refuses the plan on another database, and an edited plan', async () => {
    const other = await cli(['apply', file('a.json'), '--yes', '--format', 'json'], elsewhere.url);
    expect(other.exitCode).toBe(1);
    expect(JSON.parse(other.stdout).errors[0]).toMatchObject({ code: 'saved_plan_target' });
    expect(JSON.parse(other.stdout).errors[0].message).toContain(`database: saved plan "${test.name}"`);

    const doc = JSON.parse(await readFile(file('a.json'), 'utf8'));
    doc.changes[0].sql[0] = doc.changes[0].sql[0].replace('customer', 'total');
    await writeFile(file('edited.json'), JSON.stringify(doc, null, 2));
    const edited = await cli(['apply', file('edited.json'), '--yes']);
    expect(edited.exitCode).toBe(1);
    expect(edited.stderr).toContain('edited after it was written');
    expect(await stateTablesExist()).toBe(false);
  });

  it('refuses a plan older than --max-plan-age with its age', async () => {
    const doc = JSON.parse(await readFile(file('a.json'), 'utf8'));
    doc.created_at = new Date(Date.now() - 8 * 86_400_000 - 3_600_000).toISOString();
    await writeFile(file('old.json'), JSON.stringify(doc));
    const old = await cli(['apply', file('old.json'), '--yes']);
    expect(old.exitCode).toBe(1);
    expect(old.stderr).toContain('the saved plan is 8d 1h old');
    // within a longer limit the age passes (and the next check, the target, refuses it elsewhere)
    const longer = await cli(['apply', file('old.json'), '--yes', '--max-plan-age', '9d'], elsewhere.url);
    expect(longer.exitCode).toBe(1);
    expect(longer.stderr).toContain('made for another target');
  });

  it('applies exactly the saved statements (a change on an uninvolved table does not stop it), then refuses a second apply', async () => {
    await test.exec('create index idx_other_note on other (note)');
    const doc = JSON.parse(await readFile(file('a.json'), 'utf8'));
    if (pg) await test.exec('delete from ddl_log');
    const applied = await cli(['apply', file('a.json'), '--yes', '--format', 'json']);
    const report = JSON.parse(applied.stdout);
    expect(report.errors).toEqual([]);
    expect(applied.exitCode).toBe(0);
    expect(report.status).toBe('applied');
    expect(report.saved_plan).toEqual({ hash: doc.hash, created_at: doc.created_at });
    expect(report.verify).toHaveLength(1);
    const saved = doc.changes.flatMap((change: { sql: string[] }) => change.sql);
    if (pg) expect(await indexDdl()).toEqual(saved);
    const [run] = await test.exec('select saved_plan_hash from safe_index_runs where id = ?', [report.run]);
    expect(run?.saved_plan_hash).toBe(doc.hash);
    const steps = await test.exec('select * from safe_index_steps where run_id = ? order by ordinal', [report.run]);
    expect(steps.flatMap((step) => JSON.parse(String(step.sql)))).toEqual(saved);

    // the state the plan was made from is gone: a second apply refuses as drifted and says why
    const again = await cli(['apply', file('a.json'), '--yes']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('changed since the plan was saved');
    expect(again.stderr).toContain(`already applied, in run ${report.run}`);
    if (pg) expect(await indexDdl()).toEqual(saved);
  });
});
