import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';

const plan = `indexes:
  - name: idx_orders_customer
    table: orders
    columns: [customer]
    verify:
      - name: one customer
        sql: "SELECT id FROM orders WHERE customer = 2"
`;

describe.each(testServers())('a password in ?password= on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  let user: string;
  const password = `TopSecret${randomBytes(6).toString('hex')}`;
  const pg = server.dialect === 'postgres';
  let url: string;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec(
      pg
        ? 'create table orders (id serial primary key, customer int not null)'
        : 'create table orders (id int auto_increment primary key, customer int not null)',
    );
    await test.exec('insert into orders (customer) values (1), (2), (3)');
    dir = await mkdtemp(path.join(tmpdir(), 'safe-index-secret-'));
    await writeFile(path.join(dir, 'plan.yml'), plan);
    user = `si_pw_${randomBytes(5).toString('hex')}`;
    if (pg) {
      await test.exec(`create role "${user}" login password '${password}'`);
      await test.exec(`alter database "${test.name}" owner to "${user}"`);
      await test.exec(`alter table orders owner to "${user}"`);
      await test.exec(`alter schema public owner to "${user}"`);
    } else {
      await test.exec(`create user '${user}'@'%' identified by '${password}'`);
      await test.exec(`grant all on \`${test.name}\`.* to '${user}'@'%'`);
    }
    const base = new URL(test.url);
    base.username = user;
    base.password = '';
    url = `${base.toString()}?password=${password}`;
  });
  afterAll(async () => {
    if (pg) {
      await test.exec(`alter schema public owner to pg_database_owner`);
      await test.exec('drop owned by ' + `"${user}"`);
    }
    await test?.drop();
    if (pg) {
      const { openDatabase } = await import('../../../src/connection/database.js');
      const { targetFromUrl } = await import('../../../src/connection/target.js');
      const admin = await openDatabase(targetFromUrl(server.adminUrl));
      await admin.query(`drop role if exists "${user}"`).finally(() => admin.close());
    } else {
      const { openDatabase } = await import('../../../src/connection/database.js');
      const { targetFromUrl } = await import('../../../src/connection/target.js');
      const admin = await openDatabase(targetFromUrl(server.adminUrl));
      await admin.query(`drop user if exists '${user}'@'%'`).finally(() => admin.close());
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no trace in output, files or state tables', async () => {
    const rollbacks = path.join(dir, 'rollbacks');
    const runs = [
      await runCli(['plan', path.join(dir, 'plan.yml'), '--url', url]),
      await runCli(['plan', path.join(dir, 'plan.yml'), '--url', url, '--format', 'markdown']),
      await runCli(['apply', path.join(dir, 'plan.yml'), '--url', url, '--yes', '--rollback-dir', rollbacks]),
      await runCli(['history', '--url', url]),
      await runCli(['rollback', '--url', url, '--yes', '--rollback-dir', rollbacks]),
      await runCli(['explain', path.join(dir, 'plan.yml'), '--url', url]),
      // a failing connection: wrong database
      await runCli(['plan', path.join(dir, 'plan.yml'), '--url', url.replace(`/${test.name}?`, '/no_such_db_here?')]),
    ];
    expect(runs.slice(0, 6).map((run) => run.exitCode)).toEqual([2, 2, 0, 0, 0, 0]);
    expect(runs[2]!.stdout).toMatch(/password=\*\*\*|applied/);
    for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    const files = await readdir(rollbacks);
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect(await readFile(path.join(rollbacks, file), 'utf8')).not.toContain(password);
    const state = JSON.stringify([
      await test.exec('select * from safe_index_runs'),
      await test.exec('select * from safe_index_steps'),
    ]);
    expect(state).toContain(user);
    expect(state).not.toContain(password);
  });

  it('a knexfile password leaves no trace either', async () => {
    const target = new URL(test.url);
    const knexfile = path.join(dir, 'knexfile.json');
    const connection = {
      host: target.hostname,
      port: Number(target.port),
      user,
      password,
      database: test.name,
    };
    await writeFile(knexfile, JSON.stringify({ production: { client: pg ? 'pg' : 'mysql2', connection } }));
    const rollbacks = path.join(dir, 'knexfile-rollbacks');
    const via = ['--knexfile', knexfile, '--env', 'production'];
    const runs = [
      await runCli(['apply', path.join(dir, 'plan.yml'), ...via, '--yes', '--rollback-dir', rollbacks]),
      await runCli(['history', ...via, '--format', 'json']),
      await runCli(['rollback', ...via, '--yes', '--rollback-dir', rollbacks]),
    ];
    expect(runs.map((run) => run.exitCode)).toEqual([0, 0, 0]);
    for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toContain(password);
    for (const file of await readdir(rollbacks)) {
      expect(await readFile(path.join(rollbacks, file), 'utf8')).not.toContain(password);
    }
    const state = JSON.stringify(await test.exec('select * from safe_index_runs'));
    expect(state).toContain(':***@');
    expect(state).not.toContain(password);
  });

  it('an unparsable URL is reported without its userinfo', async () => {
    const broken = `${server.dialect}://${user}:${password}/x@127.0.0.1:notaport/db`;
    const run = await runCli(['plan', path.join(dir, 'plan.yml'), '--url', broken]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/not a valid database URL/);
    expect(run.stderr).not.toContain(password);
    expect(run.stderr).not.toContain(`${user}:`);
  });
});
