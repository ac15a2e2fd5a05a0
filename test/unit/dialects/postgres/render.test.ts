import { describe, expect, it } from 'vitest';
import { createPostgresDialect } from '../../../../src/dialects/postgres/dialect.js';
import type { Change } from '../../../../src/model/change.js';
import { Index, type IndexDefinition, type KeyPart } from '../../../../src/model/index-model.js';
import { LiveIndex, type LiveIndexFacts, type LiveTable } from '../../../../src/model/schema.js';
import { postgresServer } from './fixtures.js';

const server = postgresServer();
const dialect = createPostgresDialect(server);

function table(name: string, extra: Partial<LiveTable> = {}): LiveTable {
  return {
    schema: 'public',
    name,
    columns: [],
    indexes: [],
    estimatedRows: 0,
    totalBytes: 0,
    partitioned: false,
    ...extra,
  };
}

function index(definition: Partial<IndexDefinition>): Index {
  return new Index({
    schema: 'public',
    table: 'tabSales Invoice',
    name: 'idx_customer',
    unique: false,
    method: 'btree',
    keyParts: [{ column: 'customer', order: 'asc' }],
    include: [],
    ...definition,
  });
}

function live(
  definition: Partial<IndexDefinition>,
  facts: Partial<LiveIndexFacts> & { definition: string },
): LiveIndex {
  return new LiveIndex(index(definition), {
    valid: true,
    visible: true,
    constraint: null,
    partitioned: false,
    ...facts,
  });
}

const invoice = table('tabSales Invoice');

/** The key of the replacement index in the replace tests. */
const customerThenDate: KeyPart[] = [
  { column: 'customer', order: 'asc' },
  { column: 'posting_date', order: 'asc' },
];

/** Renders the replace of `idx_customer` on the invoice table from `live` into `desired`. */
const renderReplace = (desired: Index, live: LiveIndex) =>
  dialect.renderChange(
    {
      action: 'replace',
      reason: 'definition differs',
      table: invoice,
      index: 'idx_customer',
      desired,
      live,
      warnings: [],
    },
    invoice,
  );
const payment = table('payment', {
  partitioned: true,
  partitions: [
    { schema: 'public', name: 'payment_2024' },
    { schema: 'archive', name: 'payment_2023' },
  ],
});

describe('postgres renderChange: create', () => {
  it.each([
    [
      'plain btree on a table with a space',
      index({}),
      'CREATE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree ("customer")',
    ],
    [
      'unique, DESC NULLS LAST, INCLUDE and WHERE',
      index({
        unique: true,
        keyParts: [
          { column: 'customer', order: 'asc' },
          { column: 'posting_date', order: 'desc', nulls: 'last' },
        ],
        include: ['grand_total'],
        where: "(status <> 'Cancelled'::text)",
      }),
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree ("customer", "posting_date" DESC NULLS LAST) INCLUDE ("grand_total") WHERE (status <> \'Cancelled\'::text)',
    ],
    [
      'expressions, opclass, collation and NULLS FIRST',
      index({
        keyParts: [
          { expression: 'lower((email)::text)', order: 'asc', opclass: 'text_pattern_ops' },
          { column: 'name', order: 'asc', collation: '"C"', nulls: 'first' },
        ],
      }),
      'CREATE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree ((lower((email)::text)) text_pattern_ops, "name" COLLATE "C" NULLS FIRST)',
    ],
    [
      'names holding a double quote, gin method',
      index({ name: 'idx "q" gin', method: 'gin', keyParts: [{ column: 'ta"gs', order: 'asc' }] }),
      'CREATE INDEX CONCURRENTLY "idx ""q"" gin" ON "public"."tabSales Invoice" USING gin ("ta""gs")',
    ],
  ])('%s', (_label, desired, sql) => {
    const change: Change = { action: 'create', table: invoice, index: desired.name, desired, warnings: [] };
    const rendered = dialect.renderChange(change, invoice);
    expect(rendered.sql).toEqual([sql]);
    expect(rendered.rollback).toEqual([`DROP INDEX CONCURRENTLY "public".${dialect.quoteIdent(desired.name)}`]);
    expect(rendered).toMatchObject({ online: true, reversible: true });
    expect(rendered.lockImpact).toContain('SHARE UPDATE EXCLUSIVE');
  });

  it('builds on a partitioned table with ON ONLY, one concurrent build per partition and ATTACH', () => {
    const desired = index({ table: 'payment', name: 'payment_customer' });
    const rendered = dialect.renderChange(
      { action: 'create', table: payment, index: desired.name, desired, warnings: [] },
      payment,
    );
    const [only, build1, attach1, build2, attach2] = rendered.sql;
    expect(rendered.sql).toHaveLength(5);
    expect(only).toBe('CREATE INDEX "payment_customer" ON ONLY "public"."payment" USING btree ("customer")');
    expect(build1).toMatch(
      /^CREATE INDEX CONCURRENTLY "payment_customer_p1_[0-9a-f]{6}" ON "public"."payment_2024" USING btree \("customer"\)$/,
    );
    expect(build2).toMatch(
      /^CREATE INDEX CONCURRENTLY "payment_customer_p2_[0-9a-f]{6}" ON "archive"."payment_2023" USING btree \("customer"\)$/,
    );
    const part1 = /"(payment_customer_p1_[0-9a-f]{6})"/.exec(build1!);
    const part2 = /"(payment_customer_p2_[0-9a-f]{6})"/.exec(build2!);
    expect(attach1).toBe(`ALTER INDEX "public"."payment_customer" ATTACH PARTITION "public"."${part1![1]}"`);
    expect(attach2).toBe(`ALTER INDEX "public"."payment_customer" ATTACH PARTITION "archive"."${part2![1]}"`);
    expect(rendered.rollback).toEqual(['DROP INDEX "public"."payment_customer"']);
    expect(rendered.online).toBe(true);
  });

  it('says a partitioned table with nested or foreign partitions cannot be built online', () => {
    const nested = table('events', { partitioned: true });
    const desired = index({ table: 'events', name: 'events_at' });
    const rendered = dialect.renderChange(
      { action: 'create', table: nested, index: desired.name, desired, warnings: [] },
      nested,
    );
    expect(rendered.sql).toEqual(['CREATE INDEX "events_at" ON "public"."events" USING btree ("customer")']);
    expect(rendered.online).toBe(false);
    expect(rendered.onlineReason).toContain('blocks writes');
  });
});

describe('postgres renderChange: drop and replace', () => {
  const quoted = live(
    { name: 'idx "q"', keyParts: [{ column: 'cust"omer', order: 'desc' }] },
    { definition: 'CREATE INDEX "idx ""q""" ON public."tabSales Invoice" USING btree ("cust""omer" DESC)' },
  );
  const plain = live(
    { unique: true, where: "(status <> 'Cancelled'::text)" },
    {
      definition:
        'CREATE UNIQUE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer) WHERE (status <> \'Cancelled\'::text)',
    },
  );

  it.each([
    [
      quoted,
      'DROP INDEX CONCURRENTLY "public"."idx ""q"""',
      'CREATE INDEX CONCURRENTLY "idx ""q""" ON "public"."tabSales Invoice" USING btree ("cust""omer" DESC)',
    ],
    [
      plain,
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree (customer) WHERE (status <> \'Cancelled\'::text)',
    ],
  ])('drops %# concurrently; the reverse is the captured definition built concurrently', (liveIndex, sql, rollback) => {
    const rendered = dialect.renderChange(
      { action: 'drop', table: invoice, index: liveIndex.name, live: liveIndex, warnings: [] },
      invoice,
    );
    expect(rendered).toEqual({
      sql: [sql],
      rollback: [rollback],
      online: true,
      reversible: true,
      lockImpact: 'SHARE UPDATE EXCLUSIVE (DROP INDEX CONCURRENTLY): reads and writes continue',
    });
  });

  it('replaces under a temporary name, drops the old one, renames; the reverse does the same with the live definition', () => {
    const desired = index({ keyParts: customerThenDate });
    const rendered = renderReplace(desired, plain);
    expect(rendered.sql).toEqual([
      'CREATE INDEX CONCURRENTLY "idx_customer_si_new" ON "public"."tabSales Invoice" USING btree ("customer", "posting_date")',
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'ALTER INDEX "public"."idx_customer_si_new" RENAME TO "idx_customer"',
    ]);
    expect(rendered.rollback).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer_si_new" ON "public"."tabSales Invoice" USING btree (customer) WHERE (status <> \'Cancelled\'::text)',
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'ALTER INDEX "public"."idx_customer_si_new" RENAME TO "idx_customer"',
    ]);
    expect(rendered).toMatchObject({ online: true, reversible: true });
  });

  const marked = live(
    { unique: true, keyParts: [{ column: 'customer', order: 'asc' }] },
    {
      definition: 'CREATE UNIQUE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)',
      replicaIdentity: true,
      clustered: true,
      comment: "don't drop: invoices\\",
      statisticsTargets: [{ column: 1, target: 500 }],
    },
  );

  it('a drop restores the COMMENT, statistics targets, REPLICA IDENTITY and CLUSTER mark after the rebuild', () => {
    const rendered = dialect.renderChange(
      { action: 'drop', table: invoice, index: 'idx_customer', live: marked, warnings: [] },
      invoice,
    );
    expect(rendered.rollback).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree (customer)',
      `COMMENT ON INDEX "public"."idx_customer" IS E'don''t drop: invoices\\\\'`,
      'ALTER INDEX "public"."idx_customer" ALTER COLUMN 1 SET STATISTICS 500',
      'ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer"',
      'ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer"',
    ]);
  });

  it('a replace moves REPLICA IDENTITY and CLUSTER to the new index before the old one goes; the reverse restores all', () => {
    const desired = index({ unique: true, keyParts: customerThenDate });
    const rendered = renderReplace(desired, marked);
    expect(rendered.sql).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer_si_new" ON "public"."tabSales Invoice" USING btree ("customer", "posting_date")',
      'ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer_si_new"',
      'ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer_si_new"',
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'ALTER INDEX "public"."idx_customer_si_new" RENAME TO "idx_customer"',
    ]);
    expect(rendered.undo).toEqual([
      ['DROP INDEX CONCURRENTLY IF EXISTS "public"."idx_customer_si_new"'],
      ['ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer"'],
      ['ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer"'],
      [
        'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree (customer)',
        `COMMENT ON INDEX "public"."idx_customer" IS E'don''t drop: invoices\\\\'`,
        'ALTER INDEX "public"."idx_customer" ALTER COLUMN 1 SET STATISTICS 500',
      ],
      [],
    ]);
    expect(rendered.rollback).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer_si_new" ON "public"."tabSales Invoice" USING btree (customer)',
      `COMMENT ON INDEX "public"."idx_customer_si_new" IS E'don''t drop: invoices\\\\'`,
      'ALTER INDEX "public"."idx_customer_si_new" ALTER COLUMN 1 SET STATISTICS 500',
      'ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer_si_new"',
      'ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer_si_new"',
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'ALTER INDEX "public"."idx_customer_si_new" RENAME TO "idx_customer"',
    ]);
    expect(rendered.lockImpact).toContain('ACCESS EXCLUSIVE on the table for ALTER TABLE ... REPLICA IDENTITY');
  });

  it('does not move the CLUSTER mark to a new definition CLUSTER cannot use (partial); the reverse restores it', () => {
    const clustered = live(
      { keyParts: [{ column: 'customer', order: 'asc' }] },
      {
        definition: 'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)',
        clustered: true,
      },
    );
    const desired = index({ where: '(customer > 0)' });
    const rendered = dialect.renderChange(
      {
        action: 'replace',
        reason: 'definition differs',
        table: invoice,
        index: 'idx_customer',
        desired,
        live: clustered,
        warnings: [],
      },
      invoice,
    );
    expect(rendered.sql.join('\n')).not.toContain('CLUSTER ON');
    expect(rendered.rollback).toContain('ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer_si_new"');
  });

  it('keeps the temporary name within 63 bytes, cutting on a character boundary', () => {
    const name = `${'é'.repeat(31)}x`; // 63 bytes
    const desired = index({ name });
    const old = live({ name }, { definition: `CREATE INDEX "${name}" ON public."tabSales Invoice" USING btree (id)` });
    const rendered = dialect.renderChange(
      {
        action: 'replace',
        reason: 'definition differs',
        table: invoice,
        index: name,
        desired,
        live: old,
        warnings: [],
      },
      invoice,
    );
    const temp = /^CREATE INDEX CONCURRENTLY "([^"]+)"/.exec(rendered.sql[0]!)![1]!;
    expect(temp).toBe(`${'é'.repeat(28)}_si_new`);
    expect(Buffer.byteLength(temp)).toBeLessThanOrEqual(63);
  });

  describe('finishing an interrupted replace from the index built under the temporary name', () => {
    const desired = index({ keyParts: customerThenDate });
    const prebuilt = live(
      { ...desired, name: 'idx_customer_si_new' },
      {
        definition:
          'CREATE INDEX idx_customer_si_new ON public."tabSales Invoice" USING btree (customer, posting_date)',
      },
    );
    const rename = 'ALTER INDEX "public"."idx_customer_si_new" RENAME TO "idx_customer"';
    const dropOld = 'DROP INDEX CONCURRENTLY "public"."idx_customer"';

    it.each([
      ['INVALID old index: drop it, rename; the reverse removes the new one', false, [[], []]],
      ['no old index: only the rename', undefined, undefined],
    ] as const)('%s', (_title, valid, undo) => {
      const old =
        valid === undefined
          ? undefined
          : live(
              {},
              { valid, definition: 'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)' },
            );
      const base = { table: invoice, index: 'idx_customer', desired, prebuilt, warnings: [] };
      const rendered = dialect.renderChange(
        old ? { ...base, action: 'replace', live: old, reason: 'definition differs' } : { ...base, action: 'create' },
        invoice,
      );
      expect(rendered.sql).toEqual(old ? [dropOld, rename] : [rename]);
      expect(rendered.undo).toEqual(undo);
      expect(rendered.rollback).toEqual([dropOld]);
      expect(rendered).toMatchObject({ online: true, reversible: true });
    });

    it('a valid old index: the marks move first, the old one goes, rename; the reverse rebuilds the old one exactly', () => {
      const rendered = dialect.renderChange(
        {
          action: 'replace',
          reason: 'definition differs',
          table: invoice,
          index: 'idx_customer',
          desired,
          live: marked,
          prebuilt,
          warnings: [],
        },
        invoice,
      );
      expect(rendered.sql).toEqual([
        'ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer_si_new"',
        'ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer_si_new"',
        dropOld,
        rename,
      ]);
      expect(rendered.undo?.slice(0, 2)).toEqual([
        ['ALTER TABLE "public"."tabSales Invoice" REPLICA IDENTITY USING INDEX "idx_customer"'],
        ['ALTER TABLE "public"."tabSales Invoice" CLUSTER ON "idx_customer"'],
      ]);
      expect(rendered.rollback[0]).toBe(
        'CREATE UNIQUE INDEX CONCURRENTLY "idx_customer_si_new" ON "public"."tabSales Invoice" USING btree (customer)',
      );
      expect(rendered.rollback.slice(-2)).toEqual([dropOld, rename]);
    });
  });

  it('recognises the temporary name of a managed index as its si_new leftover, also when cut to fit 63 bytes', () => {
    const name = `${'é'.repeat(31)}x`;
    const temp = `${'é'.repeat(28)}_si_new`;
    const leftover = live(
      { name: temp },
      { definition: `CREATE INDEX "${temp}" ON public."tabSales Invoice" USING btree (id)` },
    );
    expect(dialect.leftoverOf(leftover, [name])).toEqual({ kind: 'si_new', of: name });
    expect(dialect.leftoverOf(leftover, [])).toEqual({ kind: 'si_new', of: 'é'.repeat(28) });
    // a managed name that ends in _si_new is that index, not a leftover
    expect(dialect.leftoverOf(leftover, [temp])).toBeNull();
  });

  it('replaces an INVALID index by dropping it first; the reverse only removes the new one', () => {
    const invalid = live(
      {},
      { valid: false, definition: 'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)' },
    );
    const rendered = dialect.renderChange(
      {
        action: 'replace',
        reason: 'definition differs',
        table: invoice,
        index: 'idx_customer',
        desired: index({}),
        live: invalid,
        warnings: [],
      },
      invoice,
    );
    expect(rendered.sql).toEqual([
      'DROP INDEX CONCURRENTLY "public"."idx_customer"',
      'CREATE INDEX CONCURRENTLY "idx_customer" ON "public"."tabSales Invoice" USING btree ("customer")',
    ]);
    expect(rendered.rollback).toEqual(['DROP INDEX CONCURRENTLY "public"."idx_customer"']);
  });

  it.each(['drop', 'replace'] as const)('refuses to %s an index that backs a constraint', (action) => {
    const pkey = live(
      { name: 'invoice_pkey', unique: true },
      {
        constraint: 'primary',
        definition: 'CREATE UNIQUE INDEX invoice_pkey ON public."tabSales Invoice" USING btree (customer)',
      },
    );
    const rendered = dialect.renderChange(
      action === 'drop'
        ? { action, table: invoice, index: pkey.name, live: pkey, warnings: [] }
        : {
            action,
            reason: 'definition differs',
            table: invoice,
            index: pkey.name,
            live: pkey,
            desired: index({ name: 'invoice_pkey' }),
            warnings: [],
          },
      invoice,
    );
    expect(rendered).toMatchObject({ sql: [], rollback: [], online: false, reversible: false });
    expect(rendered.onlineReason).toContain('PRIMARY KEY');
  });

  it('refuses to drop an index attached to a partitioned parent index', () => {
    const child = live(
      { table: 'payment_2024', name: 'payment_2024_customer_idx' },
      {
        parentIndex: 'public.payment_customer',
        definition: 'CREATE INDEX payment_2024_customer_idx ON public.payment_2024 USING btree (customer)',
      },
    );
    const rendered = dialect.renderChange(
      { action: 'drop', table: invoice, index: child.name, live: child, warnings: [] },
      table('payment_2024'),
    );
    expect(rendered).toMatchObject({ sql: [], rollback: [], online: false, reversible: false });
    expect(rendered.onlineReason).toContain('public.payment_customer');
  });

  it('drops a partitioned index without CONCURRENTLY and says it is not online; the reverse uses the partition pattern', () => {
    const parent = live(
      { table: 'payment', name: 'payment_customer' },
      { partitioned: true, definition: 'CREATE INDEX payment_customer ON ONLY public.payment USING btree (customer)' },
    );
    const rendered = dialect.renderChange(
      { action: 'drop', table: payment, index: parent.name, live: parent, warnings: [] },
      payment,
    );
    expect(rendered.sql).toEqual(['DROP INDEX "public"."payment_customer"']);
    expect(rendered.online).toBe(false);
    expect(rendered.onlineReason).toContain('CONCURRENTLY is not supported');
    expect(rendered.rollback[0]).toBe(
      'CREATE INDEX "payment_customer" ON ONLY "public"."payment" USING btree (customer)',
    );
    expect(rendered.rollback[1]).toMatch(
      /^CREATE INDEX CONCURRENTLY "payment_customer_p1_[0-9a-f]{6}" ON "public"."payment_2024" USING btree \(customer\)$/,
    );
    expect(rendered.rollback).toHaveLength(5);
  });

  it('renders nothing for a noop', () => {
    expect(dialect.renderChange({ action: 'noop', table: invoice, index: 'x', warnings: [] }, invoice)).toMatchObject({
      sql: [],
      rollback: [],
      online: true,
    });
  });
});

describe('postgres renderDefinition and quoting', () => {
  it.each([
    [index({}), 'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)'],
    [
      index({
        name: 'Select',
        keyParts: [
          { column: 'order', order: 'desc' },
          { expression: '((a + b))', order: 'asc' },
        ],
      }),
      'CREATE INDEX "Select" ON public."tabSales Invoice" USING btree ("order" DESC, ((a + b)))',
    ],
    [
      index({ keyParts: [{ expression: 'lower((email)::text)', order: 'asc' }], where: '(active IS TRUE)' }),
      'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (lower((email)::text)) WHERE (active IS TRUE)',
    ],
  ])('prints %# as pg_get_indexdef would', (desired, expected) => {
    expect(dialect.renderDefinition(desired)).toBe(expected);
  });

  it.each([
    ['14.0', 0, false],
    ['14.3', 3, false],
    ['14.4', 4, true],
  ])(
    'on PostgreSQL %s a concurrent build is refused with the reason unless fixed (14.4+)',
    (version, minor, allowed) => {
      const old = createPostgresDialect({ ...server, version, major: 14, minor });
      const desired = index({});
      const rendered = old.renderChange(
        { action: 'create', table: invoice, index: desired.name, desired, warnings: [] },
        invoice,
      );
      if (allowed) expect(rendered.sql[0]).toMatch(/^CREATE INDEX CONCURRENTLY/);
      else {
        expect(rendered.sql).toEqual([]);
        expect(rendered.onlineReason).toMatch(/corrupt index concurrently.*fixed in 14\.4/);
      }
    },
  );

  it('quotes identifiers and literals', () => {
    expect(dialect.quoteIdent('tabSales Invoice')).toBe('"tabSales Invoice"');
    expect(dialect.quoteIdent('a"b')).toBe('"a""b"');
    expect(dialect.quoteLiteral("it's")).toBe("'it''s'");
    expect(dialect.quoteLiteral('a\\b')).toBe("E'a\\\\b'");
  });
});
