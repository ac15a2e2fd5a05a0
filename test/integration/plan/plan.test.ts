import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planReport } from '../../../src/api/plan.js';
import type { PlanReport } from '../../../src/planner/types.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { seqRows } from '../../support/mysql-rows.js';
import { writePlan } from '../../support/plans.js';
import { createTestUser } from '../../support/roles.js';

const setup = {
  postgres: [
    `CREATE TABLE "tabSales Invoice" (name varchar(140) PRIMARY KEY, customer varchar(140), status varchar(20),
       posting_date date, grand_total numeric(18,2), email varchar(255), notes text)`,
    `CREATE INDEX existing_customer ON "tabSales Invoice" (customer)`,
    `CREATE TABLE "order's" (id int PRIMARY KEY, "ref""no" varchar(40), amount int)`,
    `INSERT INTO "tabSales Invoice" SELECT 'SI-' || g, 'C-' || (g % 50), CASE WHEN g % 3 = 0 THEN 'Paid' ELSE 'Unpaid' END,
       date '2024-01-01' + (g % 365), g, 'U' || g || '@example.com', 'n' FROM generate_series(1, 2000) g`,
  ],
  mysql: [
    `CREATE TABLE \`tabSales Invoice\` (name varchar(140) PRIMARY KEY, customer varchar(140), status varchar(20),
       posting_date date, grand_total decimal(18,2), email varchar(255), notes text) ENGINE=InnoDB`,
    'CREATE INDEX existing_customer ON `tabSales Invoice` (customer)',
    'CREATE TABLE `order\'s` (id int PRIMARY KEY, `ref"no` varchar(40), amount int) ENGINE=InnoDB',
    `INSERT INTO \`tabSales Invoice\` SELECT concat('SI-', seq), concat('C-', seq % 50), IF(seq % 3 = 0, 'Paid', 'Unpaid'),
       date '2024-01-01' + INTERVAL (seq % 365) DAY, seq, concat('U', seq, '@example.com'), 'n' FROM ${seqRows(2000)}`,
  ],
};

const invoiceIndex = `indexes:
  - name: idx_customer_status_posting
    table: "tabSales Invoice"
    columns: [customer, status, {column: posting_date, order: desc}]
    purpose: unpaid invoices of a customer
`;

describe.each(testServers())('plan on $label', (server) => {
  let test: TestDatabase;
  const plan = async (yaml: string, extra: Record<string, unknown> = {}): Promise<PlanReport> =>
    planReport({ url: test.url, paths: [await writePlan(yaml)], ...extra });
  /** Runs the forward SQL of every pending change, the way apply would (outside a transaction). */
  const execute = async (report: PlanReport) => {
    for (const change of report.changes) for (const sql of change.sql) await test.exec(sql);
  };

  beforeAll(async () => {
    test = await createTestDatabase(server);
    for (const sql of setup[server.dialect]) await test.exec(sql);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('creates, then is in sync (exit 2 then 0), with the JSON shape of SPEC', async () => {
    const file = await writePlan(invoiceIndex);
    const pending = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(pending.exitCode).toBe(2);
    const json = JSON.parse(pending.stdout);
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['dialect', 'server_version', 'changes', 'errors']));
    expect(json.dialect).toBe(server.dialect);
    expect(json.server_version).toBe(test.db.server.version);
    expect(json.errors).toEqual([]);
    expect(json.changes).toHaveLength(1);
    const [change] = json.changes;
    expect(change).toMatchObject({
      action: 'create',
      table: 'tabSales Invoice',
      index: 'idx_customer_status_posting',
      online: true,
    });
    expect(change.sql).toHaveLength(1);
    expect(change.sql[0]).toMatch(
      server.dialect === 'postgres' ? /CREATE INDEX CONCURRENTLY/ : /ALGORITHM=\w+, LOCK=NONE/,
    );
    expect(change.rollback[0]).toMatch(server.dialect === 'postgres' ? /DROP INDEX CONCURRENTLY/ : /DROP INDEX/);
    expect(change.warnings).toEqual([expect.stringMatching(/existing index "existing_customer" becomes redundant/)]);

    await execute(await plan(invoiceIndex));
    const synced = await runCli(['plan', file, '--url', test.url]);
    expect(synced.stdout).toMatch(/0 to create, 0 to replace, 0 to drop, 1 in sync/);
    expect(synced.exitCode).toBe(0);
  });

  it('replaces a changed definition, then drops it with state: absent', async () => {
    const changed = invoiceIndex.replace(
      '[customer, status, {column: posting_date, order: desc}]',
      '[customer, posting_date]',
    );
    const replace = await plan(changed);
    expect(replace.changes.map((c) => c.action)).toEqual(['replace']);
    expect(replace.changes[0]?.reason).toMatch(/definition differs/);
    await execute(replace);
    expect((await plan(changed)).changes.map((c) => c.action)).toEqual(['noop']);

    const absent =
      'indexes:\n  - name: idx_customer_status_posting\n    table: "tabSales Invoice"\n    state: absent\n';
    const drop = await plan(absent);
    expect(drop.changes.map((c) => c.action)).toEqual(['drop']);
    expect(drop.changes[0]?.rollback.join(' ')).toContain('idx_customer_status_posting');
    await execute(drop);
    expect((await plan(absent)).changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('quotes identifiers with quotes and spaces', async () => {
    const yaml = `indexes:\n  - name: "idx ref\\"no 'x'"\n    table: "order's"\n    columns: ['ref"no', amount]\n`;
    const report = await plan(yaml);
    expect(report.errors).toEqual([]);
    expect(report.changes.map((c) => c.action)).toEqual(['create']);
    await execute(report);
    expect((await plan(yaml)).changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('quotes an identifier that holds SQL: it names an index, it never runs', async () => {
    const q = server.dialect === 'postgres' ? '"' : '`';
    const name = `idx${q}; DROP TABLE ${q}order's${q}; --`;
    const yaml = `indexes:\n  - name: ${JSON.stringify(name)}\n    table: "tabSales Invoice"\n    columns: [posting_date]\n`;
    const report = await plan(yaml);
    expect(report.errors).toEqual([]);
    await execute(report);
    const names =
      server.dialect === 'postgres'
        ? await test.exec(`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'tabSales Invoice'`)
        : await test.exec(
            `SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = database() AND table_name = 'tabSales Invoice'`,
          );
    expect(names.map((row) => row.name)).toContain(name);
    expect(
      await test.exec(
        server.dialect === 'postgres' ? `SELECT count(*) AS n FROM "order's"` : "SELECT count(*) AS n FROM `order's`",
      ),
    ).toHaveLength(1);
    expect((await plan(yaml)).changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('warns about duplicates and left prefixes of existing indexes', async () => {
    const yaml = `indexes:
  - name: idx_dup_customer
    table: "tabSales Invoice"
    columns: [customer]
`;
    const report = await plan(yaml);
    expect(report.changes[0]?.warnings).toEqual([
      expect.stringMatching(/duplicates existing index "existing_customer"/),
    ]);
    await test.exec(
      server.dialect === 'postgres'
        ? 'CREATE INDEX wide_status ON "tabSales Invoice" (status, posting_date)'
        : 'CREATE INDEX wide_status ON `tabSales Invoice` (status, posting_date)',
    );
    const prefix = await plan(yaml.replace('idx_dup_customer', 'idx_status').replace('[customer]', '[status]'));
    expect(prefix.changes[0]?.warnings).toEqual([expect.stringMatching(/left prefix of existing index "wide_status"/)]);
  });

  it('with --check-duplicates, names a key a new unique index would reject', async () => {
    const yaml =
      'indexes:\n  - name: uq_status\n    table: "tabSales Invoice"\n    columns: [status]\n    unique: true\n';
    expect((await plan(yaml)).changes[0]?.warnings).toEqual([]);
    const checked = await plan(yaml, { checkDuplicates: true });
    expect(checked.changes[0]?.warnings).toEqual([
      expect.stringMatching(/duplicate rows: \(status=Unpaid\) × 1334, \(status=Paid\) × 666/),
    ]);
  });

  it('reports each validation error with file:line:col', async () => {
    const long = server.dialect === 'postgres' ? 'x'.repeat(64) : 'x'.repeat(65);
    const yaml = `indexes:
  - name: idx_a
    table: no_such_table
    columns: [x]
  - name: idx_b
    table: "tabSales Invoice"
    columns: [customer, no_such_column]
  - name: ${long}
    table: "tabSales Invoice"
    columns: [customer]
`;
    const file = await writePlan(yaml);
    const result = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(result.exitCode).toBe(1);
    const { errors } = JSON.parse(result.stdout);
    expect(errors).toEqual([
      expect.objectContaining({ code: 'unknown_table', file, line: 3, column: 12 }),
      expect.objectContaining({
        code: 'unknown_column',
        file,
        line: 7,
        column: 25,
        message: expect.stringContaining('no_such_column'),
      }),
      expect.objectContaining({ code: 'name_too_long', file, line: 8, column: 11 }),
    ]);
  });

  it('refuses options illegal for the flavor, with their position', async () => {
    const yaml =
      server.dialect === 'postgres'
        ? 'indexes:\n  - name: idx_len\n    table: "tabSales Invoice"\n    columns: [{column: notes, length: 10}]\n'
        : 'indexes:\n  - name: idx_where\n    table: "tabSales Invoice"\n    columns: [status]\n    where: "status <> \'Paid\'"\n    include: [customer]\n';
    const report = await plan(yaml).catch((error) => error);
    const errors = (report as PlanReport).errors;
    if (server.dialect === 'postgres') {
      expect(errors).toEqual([
        expect.objectContaining({ code: 'illegal_option', line: 4, message: expect.stringMatching(/length/) }),
      ]);
    } else {
      expect(errors).toEqual([
        expect.objectContaining({ code: 'illegal_option', line: 5, message: expect.stringMatching(/where/) }),
        expect.objectContaining({ code: 'illegal_option', line: 6, message: expect.stringMatching(/include/) }),
      ]);
    }
  });

  it.runIf(server.dialect === 'mysql')(
    'refuses TEXT without prefix, too many key parts and too long keys',
    async () => {
      await test.exec(
        `CREATE TABLE wide (${Array.from({ length: 17 }, (_, i) => `c${i} int`).join(', ')}, big varchar(2000), notes text) ENGINE=InnoDB`,
      );
      const yaml = `indexes:
  - name: idx_text
    table: wide
    columns: [notes]
  - name: idx_many
    table: wide
    columns: [${Array.from({ length: 17 }, (_, i) => `c${i}`).join(', ')}]
  - name: idx_long
    table: wide
    columns: [big]
`;
      const { errors } = await plan(yaml);
      const about = (index: string) => errors.filter((e) => e.index === index);
      expect(new Set(errors.map((e) => e.index))).toEqual(new Set(['idx_text', 'idx_many', 'idx_long']));
      expect(about('idx_text')).toContainEqual(
        expect.objectContaining({ line: 4, message: expect.stringMatching(/prefix|length/i) }),
      );
      expect(about('idx_many')).toEqual([expect.objectContaining({ line: 7, message: expect.stringMatching(/16/) })]);
      expect(about('idx_long')).toContainEqual(
        expect.objectContaining({ line: 10, message: expect.stringMatching(/3072|too long/i) }),
      );
    },
  );

  it.runIf(server.dialect === 'postgres')('compares predicates and expressions in canonical form', async () => {
    const yaml = `indexes:
  - name: idx_unpaid
    table: "tabSales Invoice"
    columns: [customer]
    where: "status<>'Cancelled'"
  - name: idx_email_lower
    table: "tabSales Invoice"
    columns: [{expression: "lower(email)"}]
`;
    await execute(await plan(yaml));
    const again = await plan(yaml);
    expect(again.changes.map((c) => c.action)).toEqual(['noop', 'noop']);
  });

  it.runIf(server.dialect === 'postgres')('refuses an index name another relation of the schema uses', async () => {
    const yaml = `indexes:
  - name: existing_customer
    table: "order's"
    columns: [amount]
  - name: "order's"
    table: "tabSales Invoice"
    columns: [status]
`;
    const { errors, changes } = await plan(yaml);
    expect(changes).toEqual([]);
    expect(errors).toEqual([
      expect.objectContaining({
        code: 'name_taken',
        line: 2,
        column: 11,
        message: expect.stringMatching(/index on table "tabSales Invoice"/),
      }),
      expect.objectContaining({
        code: 'name_taken',
        line: 5,
        column: 11,
        message: expect.stringMatching(/used by a table/),
      }),
    ]);
  });

  it.runIf(server.dialect === 'postgres')(
    'replaces an index with settings the model cannot express, and its rollback restores them',
    async () => {
      await test.exec('CREATE INDEX idx_ff ON "tabSales Invoice" (customer) WITH (fillfactor = 70)');
      const [before] = await test.exec("SELECT pg_get_indexdef('idx_ff'::regclass) AS def");
      const yaml = 'indexes:\n  - name: idx_ff\n    table: "tabSales Invoice"\n    columns: [customer, status]\n';
      const report = await plan(yaml);
      expect(report.errors).toEqual([]);
      const [change] = report.changes;
      expect(change?.action).toBe('replace');
      expect(change?.warnings).toContainEqual(
        expect.stringMatching(/settings the plan format cannot express .*fillfactor='?70/),
      );
      await execute(report);
      for (const sql of change!.rollback) await test.exec(sql);
      const [after] = await test.exec("SELECT pg_get_indexdef('idx_ff'::regclass) AS def");
      expect(after?.def).toBe(before?.def);
    },
  );

  it.runIf(server.dialect === 'postgres')('replaces an INVALID index left under a managed name', async () => {
    await test.exec(`CREATE TABLE dup (k int)`);
    await test.exec(`INSERT INTO dup VALUES (1), (1), (2)`);
    await expect(test.exec('CREATE UNIQUE INDEX CONCURRENTLY uq_k ON dup (k)')).rejects.toThrow(
      /could not create unique index/,
    );
    await test.exec(`DELETE FROM dup WHERE k = 1`);
    const yaml = 'indexes:\n  - name: uq_k\n    table: dup\n    columns: [k]\n    unique: true\n';
    const report = await plan(yaml);
    expect(report.changes.map((c) => [c.action, c.reason])).toEqual([['replace', expect.stringMatching(/INVALID/)]]);
    await execute(report);
    const [row] = await test.exec(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_k'::regclass`);
    expect(row?.indisvalid).toBe(true);
    expect((await plan(yaml)).changes.map((c) => c.action)).toEqual(['noop']);
  });

  it('never prints the password, in documents, errors or logs', async () => {
    // a login with a password made for this test, so a leak would show (the admin URLs have none)
    const user = await createTestUser(test, 'read-only');
    const url = new URL(user.url);
    const password = user.password;
    const good = await writePlan(invoiceIndex);
    const bad = await writePlan('indexes:\n  - name: idx_x\n    table: no_such_table\n    columns: [x]\n');
    const outputs = [
      await runCli(['plan', good, '--url', url.toString()]),
      await runCli(['plan', good, '--url', url.toString(), '--format', 'json']),
      await runCli(['plan', good, '--url', url.toString(), '--format', 'markdown']),
      await runCli(['plan', bad, '--url', url.toString(), '--format', 'json']),
      await runCli(['plan', good, '--url', url.toString().replace(/:\d+\//, ':1/')]),
    ];
    try {
      // the plan is pending (2) in all three formats; the bad plan and the wrong port fail (1)
      expect(outputs.map((o) => o.exitCode)).toEqual([2, 2, 2, 1, 1]);
      expect(JSON.parse(outputs[3]!.stdout).errors[0].message).toContain('no_such_table');
      for (const output of outputs) {
        expect(output.stdout + output.stderr).not.toContain(password);
      }
      expect(outputs[4]?.stderr).toMatch(new RegExp(`cannot connect to .*${user.name}:\\*\\*\\*@`));
    } finally {
      await user.drop();
    }
  });
});
