import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createTestUser } from '../../support/roles.js';

const ansi = /\x1b\[\d+m/;

describe.each(testServers())('CLI conventions on $label', (server) => {
  let test: TestDatabase;
  let plan: string;
  const saved = { url: process.env.DATABASE_URL, noColor: process.env.NO_COLOR };
  beforeAll(async () => {
    test = await createTestDatabase(server, 'si_conventions');
    await test.exec('create table invoices (id int primary key, customer varchar(20))');
    await test.exec('create index idx_customer on invoices (customer)');
    plan = await writePlan('indexes:\n  - name: idx_id_customer\n    table: invoices\n    columns: [id, customer]\n');
  });
  afterEach(() => {
    for (const [key, value] of [
      ['DATABASE_URL', saved.url],
      ['NO_COLOR', saved.noColor],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('connects through DATABASE_URL when --url is not given', async () => {
    process.env.DATABASE_URL = test.url;
    const result = await runCli(['export', '--table', 'invoices']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('name: idx_customer');
  });

  it('connects through --knexfile and --env, and never prints the password', async () => {
    // a login with a password made for this test, so a leak would show (the admin URLs have none)
    const user = await createTestUser(test, 'read-only');
    try {
      const url = new URL(test.url);
      const knexfile = path.join(path.dirname(plan), 'knexfile.json');
      const connection = {
        host: url.hostname,
        port: Number(url.port),
        user: user.name,
        password: user.password,
        database: test.name,
      };
      await writeFile(
        knexfile,
        JSON.stringify({ production: { client: server.dialect === 'postgres' ? 'pg' : 'mysql2', connection } }),
      );
      delete process.env.DATABASE_URL;
      const outputs = [
        await runCli(['plan', plan, '--knexfile', knexfile, '--env', 'production']),
        await runCli(['plan', plan, '--knexfile', knexfile, '--env', 'production', '--format', 'json']),
      ];
      expect(outputs.map((output) => output.exitCode)).toEqual([2, 2]);
      expect(outputs[0]!.stdout).toContain('idx_id_customer');
      expect(JSON.parse(outputs[1]!.stdout).changes.map((change: { index: string }) => change.index)).toContain(
        'idx_id_customer',
      );
      for (const output of outputs) expect(output.stdout + output.stderr).not.toContain(user.password);
      // the knexfile's target as the tool shows it, when the server is not there: masked, never the password
      const nowhere = path.join(path.dirname(plan), 'knexfile-nowhere.json');
      await writeFile(
        nowhere,
        JSON.stringify({
          production: {
            client: server.dialect === 'postgres' ? 'pg' : 'mysql2',
            connection: { ...connection, port: 1 },
          },
        }),
      );
      const refused = await runCli(['plan', plan, '--knexfile', nowhere, '--env', 'production']);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(/cannot connect to /);
      expect(refused.stdout + refused.stderr).not.toContain(user.password);
    } finally {
      await user.drop();
    }
  });

  it('colours text output on a terminal, and not at all with NO_COLOR', async () => {
    delete process.env.NO_COLOR;
    const coloured = await runCli(['plan', plan, '--url', test.url], { tty: true });
    expect(coloured.exitCode).toBe(2);
    expect(coloured.stdout).toMatch(ansi);
    process.env.NO_COLOR = '1';
    const plain = await runCli(['plan', plan, '--url', test.url], { tty: true });
    expect(plain.exitCode).toBe(2);
    expect(plain.stdout).not.toMatch(ansi);
    expect(plain.stdout).toContain('create');
  });
});
