import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

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
    const url = new URL(test.url);
    const knexfile = path.join(path.dirname(plan), 'knexfile.json');
    const connection = {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: test.name,
    };
    await writeFile(
      knexfile,
      JSON.stringify({ production: { client: server.dialect === 'postgres' ? 'pg' : 'mysql2', connection } }),
    );
    delete process.env.DATABASE_URL;
    const result = await runCli(['plan', plan, '--knexfile', knexfile, '--env', 'production']);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain('idx_id_customer');
    if (connection.password) expect(`${result.stdout}${result.stderr}`).not.toContain(`:${connection.password}@`);
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
