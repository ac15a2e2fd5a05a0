import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../src/connection/database.js';
import { createMysqlDialect } from '../../../src/dialects/mysql/dialect.js';
import { createPostgresDialect } from '../../../src/dialects/postgres/dialect.js';
import type { Dialect } from '../../../src/dialects/types.js';
import { lintSql } from '../../../src/lint/engine.js';
import type { LintDialect } from '../../../src/lint/types.js';
import type { Change, ChangeAction } from '../../../src/model/change.js';
import { Index, type IndexDefinition } from '../../../src/model/index-model.js';
import { LiveIndex, type LiveTable } from '../../../src/model/schema.js';
import { asc, column, invoiceColumns, mariadb1011, mysql8036, serverInfo, table } from '../dialects/mysql/fixtures.js';
import { postgresServer } from '../dialects/postgres/fixtures.js';

/**
 * Lint reads what the tool itself writes: every statement the renderers emit (forward SQL, rollback
 * and per-statement undo) for every kind of change on every flavor lints without a parse-error.
 * `changesOf` is typed by ChangeAction, so a new kind of change does not compile until it is added here.
 */

type Kind = Exclude<ChangeAction, 'noop'>;

/** What a change of kind `K` carries besides its action, table, index and warnings. */
type PartsOf<K extends Kind> = K extends Kind
  ? Omit<Extract<Change, { action: K }>, 'action' | 'table' | 'index' | 'warnings'>
  : never;

const flavors: Array<{ label: string; server: ServerInfo; lint: LintDialect }> = [
  { label: 'PostgreSQL 15', server: postgresServer('15.20'), lint: 'postgres' },
  { label: 'PostgreSQL 18', server: postgresServer('18.1'), lint: 'postgres' },
  { label: 'MariaDB 10.5', server: serverInfo('mariadb', '10.5.27'), lint: 'mariadb' },
  { label: 'MariaDB 10.11', server: mariadb1011, lint: 'mariadb' },
  { label: 'MySQL 8.0', server: mysql8036, lint: 'mysql' },
  { label: 'MySQL 9.7', server: serverInfo('mysql', '9.7.4'), lint: 'mysql' },
];

/** The schema (PostgreSQL) or database (MySQL) of the fixtures. */
function schemaOf(server: ServerInfo): string {
  return server.dialect === 'postgres' ? 'public' : 'shop';
}

function desired(server: ServerInfo, table: string, definition: Partial<IndexDefinition> & { name: string }): Index {
  return new Index({
    schema: schemaOf(server),
    table,
    unique: false,
    method: 'btree',
    keyParts: [{ column: 'customer', order: 'asc' }],
    include: [],
    ...definition,
  });
}

/** A live index with the definition text the server printed (pg_get_indexdef / SHOW CREATE TABLE line). */
function live(index: Index, definition: string, valid = true): LiveIndex {
  return new LiveIndex(index, { valid, visible: true, constraint: null, definition, partitioned: false });
}

function liveTable(server: ServerInfo, name: string, extra: Partial<LiveTable> = {}): LiveTable {
  return table(name, invoiceColumns, { schema: schemaOf(server), ...extra });
}

/** The changes of one kind on one flavor, each with the table it renders against. */
function changesOf(server: ServerInfo): Record<Kind, Array<[label: string, change: Change, table: LiveTable]>> {
  const s = schemaOf(server);
  // the parts are checked against the change type of `action`; only the spread is beyond the compiler
  const change = <K extends Kind>(action: K, table: LiveTable, index: string, parts: PartsOf<K>): Change =>
    ({ action, table: { schema: table.schema, name: table.name }, index, warnings: [], ...parts }) as Change;
  if (server.dialect === 'postgres') {
    const invoice = liveTable(server, 'tabSales Invoice');
    const payment = liveTable(server, 'payment', {
      partitioned: true,
      partitions: [
        { schema: 'public', name: 'payment_2024' },
        { schema: 'archive', name: 'payment 2023' },
      ],
    });
    const nested = liveTable(server, 'events', { partitioned: true });
    const plain = desired(server, 'tabSales Invoice', { name: 'idx_customer' });
    const rich = desired(server, 'tabSales Invoice', {
      name: 'idx "rich"',
      unique: true,
      keyParts: [
        { expression: 'lower((email)::text)', order: 'asc', opclass: 'text_pattern_ops' },
        { column: 'posting_date', order: 'desc', nulls: 'last' },
        { column: 'status', order: 'asc', collation: '"C"', nulls: 'first' },
      ],
      include: ['remarks'],
      where: "(status <> 'Cancelled'::text)",
    });
    const gin = desired(server, 'tabSales Invoice', { name: 'idx_tags', method: 'gin', keyParts: [asc('tags')] });
    const onPayment = desired(server, 'payment', { name: 'payment_customer' });
    const onEvents = desired(server, 'events', { name: 'events_customer' });
    const livePlain = live(plain, `CREATE INDEX idx_customer ON ${s}."tabSales Invoice" USING btree (customer)`);
    const liveRich = live(
      rich,
      `CREATE UNIQUE INDEX "idx ""rich""" ON ${s}."tabSales Invoice" USING btree (lower((email)::text) text_pattern_ops, posting_date DESC NULLS LAST, status COLLATE "C" NULLS FIRST) INCLUDE (remarks) WHERE (status <> 'Cancelled'::text)`,
    );
    const invalid = live(plain, `CREATE INDEX idx_customer ON ${s}."tabSales Invoice" USING btree (customer)`, false);
    const livePayment = live(onPayment, `CREATE INDEX payment_customer ON ONLY ${s}.payment USING btree (customer)`);
    const widened = desired(server, 'payment', {
      name: 'payment_customer',
      keyParts: [asc('customer'), asc('status')],
    });
    const plainWidened = desired(server, invoice.name, {
      name: 'idx_customer',
      keyParts: [asc('customer'), asc('status')],
    });
    return {
      create: [
        ['plain', change('create', invoice, plain.name, { desired: plain }), invoice],
        [
          'unique, expression, opclass, collation, INCLUDE, WHERE',
          change('create', invoice, rich.name, { desired: rich }),
          invoice,
        ],
        ['gin', change('create', invoice, gin.name, { desired: gin }), invoice],
        [
          'on a partitioned table (ON ONLY, per partition, ATTACH)',
          change('create', payment, onPayment.name, { desired: onPayment }),
          payment,
        ],
        [
          'on a partitioned table with nested partitions',
          change('create', nested, onEvents.name, { desired: onEvents }),
          nested,
        ],
      ],
      drop: [
        ['plain', change('drop', invoice, livePlain.name, { live: livePlain }), invoice],
        ['unique expression', change('drop', invoice, liveRich.name, { live: liveRich }), invoice],
        ['on a partitioned table', change('drop', payment, livePayment.name, { live: livePayment }), payment],
      ],
      replace: [
        [
          'changed definition',
          change('replace', invoice, plain.name, {
            desired: plainWidened,
            live: livePlain,
            reason: 'definition differs',
          }),
          invoice,
        ],
        [
          'INVALID index',
          change('replace', invoice, plain.name, { desired: plain, live: invalid, reason: 'INVALID' }),
          invoice,
        ],
        [
          'on a partitioned table',
          change('replace', payment, widened.name, {
            desired: widened,
            live: livePayment,
            reason: 'definition differs',
          }),
          payment,
        ],
      ],
      disable: [], // PostgreSQL has no invisible indexes: the planner refuses `state: disabled` (renderer throws)
      enable: [],
    };
  }
  const t = liveTable(server, 'tabSales Invoice');
  const memory = liveTable(server, 'mem', { engine: 'MEMORY' });
  const cascading = liveTable(server, 'payment', { cascadingForeignKeys: true });
  const odd = liveTable(server, "we`ird 'table", { columns: [column("c`ol 'x'", 'varchar(10)')] });
  const composite = desired(server, t.name, {
    name: 'idx_customer_status_posting',
    keyParts: [asc('customer'), asc('status'), { column: 'posting_date', order: 'desc' }],
  });
  const prefix = desired(server, t.name, { name: 'uq_email', unique: true, keyParts: [asc('email', 100)] });
  const fulltext = desired(server, t.name, { name: 'ft_remarks', method: 'fulltext', keyParts: [asc('remarks')] });
  const spatial = desired(server, t.name, { name: 'sp_location', method: 'spatial', keyParts: [asc('location')] });
  const functional = desired(server, t.name, {
    name: 'idx_lower_email',
    keyParts: [{ expression: 'lower(`email`)', order: 'asc' }],
  });
  const onVirtual = desired(server, t.name, { name: 'idx_status_upper', keyParts: [asc('status_upper')] });
  const onMemory = desired(server, 'mem', { name: 'idx_mem', keyParts: [asc('customer')] });
  const onCascading = desired(server, 'payment', { name: 'idx_amount', keyParts: [asc('customer')] });
  const oddIndex = desired(server, odd.name, { name: "idx `odd' name", keyParts: [asc("c`ol 'x'")] });
  const first = desired(server, t.name, { name: 'idx_a', keyParts: [asc('customer')] });
  const second = desired(server, t.name, { name: 'idx_b', keyParts: [asc('status')] });
  const third = desired(server, t.name, { name: 'idx_c', keyParts: [asc('posting_date')] });
  const liveFirst = live(first, "  KEY `idx_a` (`customer`) COMMENT 'it''s'");
  const liveSecond = live(second, '  KEY `idx_b` (`status`)');
  const liveThird = live(third, '  KEY `idx_c` (`posting_date`)');
  const liveFulltext = live(fulltext, '  FULLTEXT KEY `ft_remarks` (`remarks`)');
  const liveOther = live(
    desired(server, t.name, { name: 'ft_other', method: 'fulltext', keyParts: [asc('customer')] }),
    '  FULLTEXT KEY `ft_other` (`customer`)',
  );
  const ordered = { ...t, indexes: [liveFirst, liveSecond, liveThird, liveFulltext, liveOther] };
  const widened = desired(server, t.name, { name: 'idx_a', keyParts: [asc('customer'), asc('status')] });
  const toggled = (action: 'disable' | 'enable') =>
    change(action, ordered, liveSecond.name, { desired: second, live: liveSecond });
  return {
    create: [
      ['composite with DESC', change('create', t, composite.name, { desired: composite }), t],
      ['unique with prefix', change('create', t, prefix.name, { desired: prefix }), t],
      ['FULLTEXT', change('create', t, fulltext.name, { desired: fulltext }), t],
      ['SPATIAL', change('create', t, spatial.name, { desired: spatial }), t],
      ['functional key part', change('create', t, functional.name, { desired: functional }), t],
      ['on a virtual column', change('create', t, onVirtual.name, { desired: onVirtual }), t],
      ['on a MEMORY table', change('create', memory, onMemory.name, { desired: onMemory }), memory],
      [
        'on a table with cascading foreign keys',
        change('create', cascading, onCascading.name, { desired: onCascading }),
        cascading,
      ],
      ['names with backticks and quotes', change('create', odd, oddIndex.name, { desired: oddIndex }), odd],
    ],
    drop: [
      [
        'first of three keys (the restore re-adds the later keys)',
        change('drop', ordered, 'idx_a', { live: liveFirst }),
        ordered,
      ],
      ['the last key', change('drop', ordered, 'idx_c', { live: liveThird }), ordered],
      [
        'FULLTEXT before another FULLTEXT (the restore copies)',
        change('drop', ordered, 'ft_remarks', { live: liveFulltext }),
        ordered,
      ],
    ],
    replace: [
      [
        'first of three keys',
        change('replace', ordered, 'idx_a', { desired: widened, live: liveFirst, reason: 'definition differs' }),
        ordered,
      ],
      [
        'FULLTEXT',
        change('replace', ordered, 'ft_remarks', {
          desired: fulltext,
          live: liveFulltext,
          reason: 'definition differs',
        }),
        ordered,
      ],
    ],
    disable: [['a key in the middle', toggled('disable'), ordered]],
    enable: [['a key in the middle', toggled('enable'), ordered]],
  };
}

function dialectOf(server: ServerInfo): Dialect {
  return server.dialect === 'postgres' ? createPostgresDialect(server) : createMysqlDialect(server);
}

describe.each(flavors)('statements rendered for $label lint without parse-error', ({ server, lint }) => {
  const dialect = dialectOf(server);
  const cases = Object.entries(changesOf(server)).flatMap(([kind, changes]) =>
    changes.map(([label, change, table]) => [`${kind}: ${label}`, change, table] as const),
  );

  it.each(cases)('%s', async (_label, change, table) => {
    const rendered = dialect.renderChange(change, table);
    const statements = [...rendered.sql, ...rendered.rollback, ...(rendered.undo ?? []).flat()];
    // a change the flavor cannot do (IGNORED before MariaDB 10.6) renders no statement, only its reason
    if (rendered.lockImpact !== 'not run') expect(statements.length).toBeGreaterThan(0);
    const unread: string[] = [];
    for (const statement of statements) {
      const result = await lintSql('rendered.sql', `${statement};\n`, {
        dialect: lint,
        assumeInTransaction: false,
        levels: {},
      });
      for (const finding of result.findings.filter((f) => f.rule === 'parse-error')) {
        unread.push(`${statement}\n    ${finding.message}`);
      }
    }
    expect(unread).toEqual([]);
  });

  it('covers every kind of change', () => {
    const kinds = new Set(cases.map(([label]) => label.split(':')[0]));
    const expected =
      server.dialect === 'postgres'
        ? ['create', 'drop', 'replace']
        : ['create', 'drop', 'replace', 'disable', 'enable'];
    expect([...kinds].sort()).toEqual(expected.sort());
  });
});
