import { describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import type { Change } from '../../../../src/model/change.js';
import type { Index } from '../../../../src/model/index-model.js';
import type { LiveIndex, LiveTable } from '../../../../src/model/schema.js';
import { asc, column, desc, index, invoiceColumns, liveIndex, mariadb1011, mysql8036, table } from './fixtures.js';

const invoice = table('tabSales Invoice', [column('name', 'varchar(140)', { nullable: false }), ...invoiceColumns]);
const payment = table('payment', [column('customer_id', 'int'), column('amount', 'decimal(5,2)')], {
  cascadingForeignKeys: true,
});
const memory = table('mem', [column('a', 'int')], { engine: 'MEMORY' });
const odd = table("we`ird 'table", [column("c`ol 'x'", 'varchar(10)')]);

const T = '`shop`.`tabSales Invoice`';
const online = { maria: 'ALGORITHM=NOCOPY, LOCK=NONE', mysql: 'ALGORITHM=INPLACE, LOCK=NONE' };
const shared = 'ALGORITHM=INPLACE, LOCK=SHARED';

function create(desired: Index, on: LiveTable): [Change, LiveTable] {
  const ref = { schema: on.schema, name: on.name };
  return [{ action: 'create', table: ref, index: desired.name, desired, warnings: [] }, on];
}
function drop(live: LiveIndex, on: LiveTable): [Change, LiveTable] {
  return [{ action: 'drop', table: { schema: on.schema, name: on.name }, index: live.name, live, warnings: [] }, on];
}
function replace(desired: Index, live: LiveIndex, on: LiveTable): [Change, LiveTable] {
  const ref = { schema: on.schema, name: on.name };
  return [
    { action: 'replace', reason: 'definition differs', table: ref, index: live.name, desired, live, warnings: [] },
    on,
  ];
}

const composite = index('tabSales Invoice', 'idx_customer_status_posting', [
  asc('customer'),
  asc('status'),
  desc('posting_date'),
]);
const liveCommented = liveIndex(
  index('tabSales Invoice', 'idx_status', [asc('status')]),
  "  KEY `idx_status` (`status`) COMMENT 'it''s' IGNORED",
);
const widened = index('tabSales Invoice', 'idx_status', [asc('status'), asc('posting_date')]);
const onVirtual = index('tabSales Invoice', 'idx_status_upper', [asc('status_upper')]);
const onPayment = index('payment', 'idx_amount', [asc('amount')]);

/** MariaDB guards the restore's ADD and its follower DROPs (`IF [NOT] EXISTS`); MySQL 8 has no such clauses. */
const flavors = [
  {
    flavor: 'MariaDB 10.11',
    server: mariadb1011,
    algorithm: online.maria,
    ifNotExists: 'IF NOT EXISTS ',
    ifExists: 'IF EXISTS ',
  },
  { flavor: 'MySQL 8.0.36', server: mysql8036, algorithm: online.mysql, ifNotExists: '', ifExists: '' },
];

describe.each(flavors)('renderChange on $flavor: the same on both flavors', ({ server, algorithm, ifNotExists }) => {
  const dialect = createMysqlDialect(server);

  it.each([
    {
      kind: 'create btree composite with DESC',
      input: create(composite, invoice),
      sql: `ALTER TABLE ${T} ADD INDEX \`idx_customer_status_posting\` (\`customer\`,\`status\`,\`posting_date\` DESC), ${algorithm}`,
      rollback: `ALTER TABLE ${T} DROP INDEX \`idx_customer_status_posting\`, ${algorithm}`,
    },
    {
      kind: 'create unique with prefix',
      input: create(index('tabSales Invoice', 'uq_email', [asc('email', 100)], { unique: true }), invoice),
      sql: `ALTER TABLE ${T} ADD UNIQUE INDEX \`uq_email\` (\`email\`(100)), ${algorithm}`,
      rollback: `ALTER TABLE ${T} DROP INDEX \`uq_email\`, ${algorithm}`,
    },
    {
      kind: 'drop restores the exact live line',
      input: drop(liveCommented, invoice),
      sql: `ALTER TABLE ${T} DROP INDEX \`idx_status\`, ${algorithm}`,
      rollback: `ALTER TABLE ${T} ADD KEY ${ifNotExists}\`idx_status\` (\`status\`) COMMENT 'it''s' IGNORED, ${algorithm}`,
    },
    {
      kind: 'replace in one statement',
      input: replace(widened, liveCommented, invoice),
      sql: `ALTER TABLE ${T} DROP INDEX \`idx_status\`, ADD INDEX \`idx_status\` (\`status\`,\`posting_date\`), ${algorithm}`,
      rollback: `ALTER TABLE ${T} DROP INDEX \`idx_status\`, ADD KEY \`idx_status\` (\`status\`) COMMENT 'it''s' IGNORED, ${algorithm}`,
    },
    {
      kind: 'identifiers with a backtick and a quote',
      input: create(index("we`ird 'table", "i`x'", [asc("c`ol 'x'")]), odd),
      sql: `ALTER TABLE \`shop\`.\`we\`\`ird 'table\` ADD INDEX \`i\`\`x'\` (\`c\`\`ol 'x'\`), ${algorithm}`,
      rollback: `ALTER TABLE \`shop\`.\`we\`\`ird 'table\` DROP INDEX \`i\`\`x'\`, ${algorithm}`,
    },
  ])('$kind', ({ input, sql, rollback }) => {
    const rendered = dialect.renderChange(...input);
    expect(rendered).toMatchObject({ sql: [sql], rollback: [rollback], online: true, reversible: true });
    expect(rendered.onlineReason).toBeUndefined();
  });

  it.each([
    {
      kind: 'FULLTEXT',
      input: create(index('tabSales Invoice', 'ft_remarks', [asc('remarks')], { method: 'fulltext' }), invoice),
      sql: `ALTER TABLE ${T} ADD FULLTEXT INDEX \`ft_remarks\` (\`remarks\`), ${shared}`,
      reason: /FULLTEXT.*1846/,
    },
    {
      kind: 'SPATIAL',
      input: create(index('tabSales Invoice', 'sp_location', [asc('location')], { method: 'spatial' }), invoice),
      sql: `ALTER TABLE ${T} ADD SPATIAL INDEX \`sp_location\` (\`location\`), ${shared}`,
      reason: /SPATIAL.*1846/,
    },
    {
      kind: 'MEMORY engine (copies the table)',
      input: create(index('mem', 'h_a', [asc('a')], { method: 'hash' }), memory),
      sql: 'ALTER TABLE `shop`.`mem` ADD INDEX `h_a` (`a`) USING HASH, ALGORITHM=COPY, LOCK=SHARED',
      reason: /MEMORY.*1845/,
    },
  ])('$kind is not online and carries its blocking clauses', ({ input, sql, reason }) => {
    const rendered = dialect.renderChange(...input);
    expect(rendered.sql).toEqual([sql]);
    expect(rendered.online).toBe(false);
    expect(rendered.onlineReason).toMatch(reason);
    expect(rendered.lockImpact).toMatch(/LOCK=SHARED/);
  });

  it('does not drop a PRIMARY KEY', () => {
    const primary = liveIndex(index('tabSales Invoice', 'PRIMARY', [asc('name')]), '  PRIMARY KEY (`name`)', 'primary');
    const rendered = dialect.renderChange(...drop(primary, invoice));
    expect(rendered).toMatchObject({ sql: [], rollback: [], reversible: false, online: false });
  });

  it('renders nothing for noop', () => {
    const rendered = dialect.renderChange(
      { action: 'noop', table: invoice, index: 'x', desired: composite, warnings: [] },
      invoice,
    );
    expect(rendered).toMatchObject({ sql: [], rollback: [], online: true });
  });
});

describe('renderChange differences between the flavors', () => {
  const maria = createMysqlDialect(mariadb1011);
  const mysql = createMysqlDialect(mysql8036);

  it.each([
    {
      kind: 'index on a virtual generated column',
      input: create(onVirtual, invoice),
      maria: `ALTER TABLE ${T} ADD INDEX \`idx_status_upper\` (\`status_upper\`), ${online.maria}`,
      mysql: `ALTER TABLE ${T} ADD INDEX \`idx_status_upper\` (\`status_upper\`), ${shared}`,
      reason: /virtual generated column.*3178/,
    },
    {
      kind: 'table with cascading foreign keys',
      input: create(onPayment, payment),
      maria: `ALTER TABLE \`shop\`.\`payment\` ADD INDEX \`idx_amount\` (\`amount\`), ${online.maria}`,
      mysql: `ALTER TABLE \`shop\`.\`payment\` ADD INDEX \`idx_amount\` (\`amount\`), ${shared}`,
      reason: /CASCADE or SET NULL.*1846/,
    },
  ])('$kind: online on MariaDB, blocking on MySQL 8', ({ input, maria: mariaSql, mysql: mysqlSql, reason }) => {
    expect(maria.renderChange(...input)).toMatchObject({ sql: [mariaSql], online: true });
    const onMysql = mysql.renderChange(...input);
    expect(onMysql).toMatchObject({ sql: [mysqlSql], online: false });
    expect(onMysql.onlineReason).toMatch(reason);
  });

  it('drops on a MySQL table with cascading foreign keys only with LOCK=SHARED', () => {
    const live = liveIndex(onPayment, '  KEY `idx_amount` (`amount`)');
    expect(mysql.renderChange(...drop(live, payment))).toMatchObject({
      sql: [`ALTER TABLE \`shop\`.\`payment\` DROP INDEX \`idx_amount\`, ${shared}`],
      rollback: [`ALTER TABLE \`shop\`.\`payment\` ADD KEY \`idx_amount\` (\`amount\`), ${shared}`],
      online: false,
    });
  });

  it('prints the parallel build settings of a MySQL 8.0.27+ InnoDB table beside each build, not beside a drop', () => {
    const withSettings = { ...invoice, buildSettings: 'innodb_ddl_threads=4, innodb_ddl_buffer_size=1048576' };
    const byStatus = index('tabSales Invoice', 'idx_status', [{ column: 'status', order: 'asc' }]);
    const created = mysql.renderChange(...create(byStatus, withSettings));
    expect(created.lockImpact).toMatch(/; built with innodb_ddl_threads=4, innodb_ddl_buffer_size=1048576$/);
    const live = liveIndex(byStatus, '  KEY `idx_status` (`status`)');
    expect(mysql.renderChange(...drop(live, withSettings)).lockImpact).not.toContain('innodb_ddl_threads');
  });

  it('renders MySQL 8 functional key parts with LOCK=SHARED (error 1846) and restores an INVISIBLE one as it was', () => {
    const byEmail = index('tabSales Invoice', 'idx_email_lower', [{ expression: 'lower(`email`)', order: 'desc' }]);
    const created = mysql.renderChange(...create(byEmail, invoice));
    expect(created.sql).toEqual([
      `ALTER TABLE ${T} ADD INDEX \`idx_email_lower\` ((lower(\`email\`)) DESC), ALGORITHM=INPLACE, LOCK=SHARED`,
    ]);
    expect(created.online).toBe(false);
    expect(created.onlineReason).toMatch(/functional key part.*1846/);
    const invisible = liveIndex(byEmail, '  KEY `idx_email_lower` ((lower(`email`)) DESC) /*!80000 INVISIBLE */');
    const dropped = mysql.renderChange(...drop(invisible, invoice));
    // the drop itself is online; its undo blocks writes, so the plan asks for --allow-blocking up front
    expect(dropped.sql).toEqual([`ALTER TABLE ${T} DROP INDEX \`idx_email_lower\`, ${online.mysql}`]);
    expect(dropped.online).toBe(false);
    expect(dropped.onlineReason).toMatch(/dropping is online, but undoing it cannot be/);
    expect(dropped.rollback).toEqual([
      `ALTER TABLE ${T} ADD KEY \`idx_email_lower\` ((lower(\`email\`)) DESC) /*!80000 INVISIBLE */, ALGORITHM=INPLACE, LOCK=SHARED`,
    ]);
  });
});
