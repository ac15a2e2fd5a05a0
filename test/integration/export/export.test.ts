import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadPlans } from '../../../src/plan-file/load.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createTestUser } from '../../support/roles.js';
import { runSqlScript, sakilaFor } from '../dialects/mysql/load-sql.js';
import { pagilaSchemaFile, runPsqlFile } from '../dialects/postgres/load-pagila.js';

/** Exports, checks the YAML is a valid plan, and runs `plan` against it. */
async function roundTrip(url: string, extra: string[] = []) {
  const exported = await runCli(['export', '--url', url, ...extra]);
  expect(exported.stderr).not.toContain('error');
  expect(exported.exitCode).toBe(0);
  const file = await writePlan(exported.stdout, 'exported.yml');
  const plan = await runCli(['plan', file, '--url', url, '--format', 'json']);
  return { yaml: exported.stdout, file, plan, planJson: JSON.parse(plan.stdout) };
}

describe.each(testServers())('export on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server, 'si_export');
    if (server.dialect === 'postgres') runPsqlFile(test.url, pagilaSchemaFile);
    else runSqlScript(test.url, test.name, sakilaFor(test.name));
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('exports every indexed table of the sample schema and plan against it exits 0', async () => {
    const { yaml, planJson, plan } = await roundTrip(test.url);
    expect(planJson.errors).toEqual([]);
    expect(plan.exitCode).toBe(0);
    expect(planJson.changes.length).toBeGreaterThan(5);
    expect(planJson.changes.filter((change: { action: string }) => change.action !== 'noop')).toEqual([]);
    const entries = parse(yaml).indexes as { name: string; table: string }[];
    expect(entries.map((entry) => entry.name)).toContain('idx_actor_last_name');
    // constraint indexes are left out, with a comment that says why
    expect(entries.map((entry) => entry.name)).not.toContain(server.dialect === 'postgres' ? 'actor_pkey' : 'PRIMARY');
    expect(yaml).toMatch(/# skipped actor\.(actor_pkey|PRIMARY): owned by a PRIMARY KEY constraint/);
  });

  it('exports only the tables named with --table', async () => {
    const { yaml, plan } = await roundTrip(test.url, ['--table', 'film', '--table', 'rental']);
    expect(plan.exitCode).toBe(0);
    const tables = new Set((parse(yaml).indexes as { table: string }[]).map((entry) => entry.table));
    expect([...tables].sort()).toEqual(['film', 'rental']);
  });

  it('fails with exit 1 for a table that does not exist', async () => {
    const result = await runCli(['export', '--url', test.url, '--table', 'no_such_table']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('no_such_table');
  });

  it('writes a file that loadPlans accepts, with a header that hides the password', async () => {
    // a login with a password made for this test, so a leak would show (the admin URLs have none)
    const user = await createTestUser(test, 'read-only');
    try {
      const exported = await runCli(['export', '--url', user.url, '--table', 'film']);
      expect(exported.exitCode).toBe(0);
      const file = await writePlan(exported.stdout, 'exported.yml');
      const loaded = await loadPlans([file]);
      expect(loaded.indexes.map((index) => index.table)).toContain('film');
      const header = exported.stdout.split('\n')[0]!;
      expect(header).toMatch(new RegExp(`^# safe-index plan exported from \\S*${user.name}:\\*\\*\\*@`));
      expect(exported.stdout).not.toContain(user.password);
      expect(exported.stderr).not.toContain(user.password);
      const json = await runCli(['export', '--url', user.url, '--table', 'film', '--format', 'json']);
      expect(json.exitCode).toBe(0);
      expect(json.stdout + json.stderr).not.toContain(user.password);
    } finally {
      await user.drop();
    }
  });
});

describe.each(testServers())('export of hand-made index kinds on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server, 'si_export_kinds');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('round-trips names with spaces and quotes, descending and partial/prefix/expression keys', async () => {
    if (server.dialect === 'postgres') {
      await test.exec(`create table "tabSales Invoice" (name text primary key, customer text, status text,
        posting_date date, grand_total numeric, "it's" text, email text)`);
      await test.exec(`create index "idx_customer_status_posting" on "tabSales Invoice"
        (customer, status, posting_date desc nulls last) include (grand_total) where status <> 'Cancelled'`);
      await test.exec(`create index "idx_it's" on "tabSales Invoice" ("it's")`);
      await test.exec(`create index idx_lower_email on "tabSales Invoice" (lower(email))`);
      await test.exec(`create unique index idx_unique_email on "tabSales Invoice" (email) where email is not null`);
      await test.exec(`create index idx_hash_status on "tabSales Invoice" using hash (status)`);
      await test.exec(`create index idx_pattern on "tabSales Invoice" (customer text_pattern_ops)`);
    } else {
      await test.exec(`create table \`tabSales Invoice\` (name varchar(140) primary key, customer varchar(140),
        status varchar(20), posting_date date, \`it's\` varchar(40), remarks text, unique key uk_customer (customer, name))`);
      await test.exec(
        'create index idx_customer_status_posting on `tabSales Invoice` (customer, status, posting_date desc)',
      );
      await test.exec("create index `idx_it's` on `tabSales Invoice` (`it's`)");
      await test.exec('create index idx_remarks on `tabSales Invoice` (remarks(20))');
    }
    const { yaml, plan, planJson } = await roundTrip(test.url);
    expect(planJson.errors).toEqual([]);
    expect(plan.exitCode).toBe(0);
    const names = (parse(yaml).indexes as { name: string }[]).map((entry) => entry.name).sort();
    if (server.dialect === 'postgres') {
      expect(names).toEqual([
        'idx_customer_status_posting',
        'idx_hash_status',
        "idx_it's",
        'idx_lower_email',
        'idx_unique_email',
      ]);
      expect(yaml).toContain('# skipped tabSales Invoice.idx_pattern: a key part has an operator class');
      expect(yaml).toContain("where: (status <> 'Cancelled'::text)");
      expect(yaml).toContain('columns: [ customer, status, { column: posting_date, order: desc, nulls: last } ]');
    } else {
      // MySQL/MariaDB UNIQUE keys are plain indexes there; only PRIMARY is owned by a constraint
      expect(names).toEqual(['idx_customer_status_posting', "idx_it's", 'idx_remarks', 'uk_customer']);
      expect(yaml).toContain('# skipped tabSales Invoice.PRIMARY: owned by a PRIMARY KEY constraint');
      expect(yaml).toContain('length: 20');
    }
  });
});
