import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDialect } from '../../../../src/dialects/postgres/dialect.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import { Index } from '../../../../src/model/index-model.js';
import type { LiveIndex, LiveSchema, LiveTable, TableRef } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';
import { pagilaSchemaFile, runPsqlFile } from './load-pagila.js';

// Index kinds Pagila itself lacks, so every kind the dialect models is read from a real server.
const extraIndexes = [
  'CREATE INDEX extra_partial ON public.rental (return_date) WHERE return_date IS NULL',
  'CREATE INDEX extra_expression ON public.customer (lower(email))',
  'CREATE INDEX extra_expressions ON public.film ((rental_rate * rental_duration) DESC NULLS LAST, title)',
  'CREATE INDEX extra_gin ON public.film USING gin (special_features)',
  'CREATE INDEX extra_desc_nulls ON public.payment_p2022_07 (amount DESC NULLS LAST, payment_date NULLS FIRST)',
  'CREATE INDEX extra_include ON public.customer (store_id) INCLUDE (first_name, last_name)',
  'CREATE INDEX extra_opclass ON public.actor (last_name text_pattern_ops)',
  'CREATE INDEX extra_collation ON public.actor (first_name COLLATE "C")',
  'CREATE INDEX extra_hash ON public.language USING hash (name)',
  'CREATE INDEX extra_brin ON public.rental USING brin (rental_date)',
  'CREATE INDEX extra_partitioned ON public.payment (customer_id, payment_date)',
  'CREATE UNIQUE INDEX extra_unique_partial ON public.staff (email) WHERE active',
];

async function definitionOf(test: TestDatabase, schema: string, name: string): Promise<string | undefined> {
  const rows = await test.exec(
    'select pg_get_indexdef(c.oid) as definition from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?',
    [schema, name],
  );
  return rows[0]?.definition as string | undefined;
}

async function run(test: TestDatabase, statements: string[]): Promise<void> {
  for (const statement of statements) await test.exec(statement);
}

function renamed(index: LiveIndex, name: string): Index {
  return new Index({ ...index, name });
}

describe.each(testServersOf('postgres'))('postgres dialect on $label with Pagila', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;
  let schema: LiveSchema;
  let refs: TableRef[];
  const allIndexes = () => [...schema.tables.values()].flatMap((table) => table.indexes);
  const tableOf = (name: string): LiveTable => schema.tables.get(`public.${name}`)!;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    runPsqlFile(test.url, pagilaSchemaFile);
    await run(test, extraIndexes);
    dialect = createPostgresDialect(test.db.server);
    const rows = await test.exec(
      "select relname from pg_class where relnamespace = 'public'::regnamespace and relkind in ('r', 'p', 'm') order by 1",
    );
    refs = rows.map((row) => ({ schema: 'public', name: String(row.relname) }));
    schema = await dialect.introspect(test.db, [...refs, { schema: 'public', name: 'no_such_table' }]);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('reads every table, and leaves out a table that does not exist', () => {
    expect(refs.length).toBeGreaterThan(20);
    expect([...schema.tables.keys()].sort()).toEqual(refs.map((ref) => `public.${ref.name}`).sort());
    expect(schema.tables.has('public.no_such_table')).toBe(false);
    const film = tableOf('film');
    expect(film.columns.find((column) => column.name === 'fulltext')).toMatchObject({
      type: 'tsvector',
      nullable: false,
    });
    expect(film.columns.find((column) => column.name === 'title')?.type).toBe('text');
    expect(tableOf('payment').partitioned).toBe(true);
    expect(tableOf('payment').partitions?.map((part) => part.name)).toEqual([
      'payment_p2022_01',
      'payment_p2022_02',
      'payment_p2022_03',
      'payment_p2022_04',
      'payment_p2022_05',
      'payment_p2022_06',
      'payment_p2022_07',
    ]);
  });

  it('reads every index with its kind, owner constraint and the server definition', async () => {
    const rows = await test.exec("select count(*)::int as n from pg_indexes where schemaname = 'public'");
    // pg_indexes lists partitioned parents too; extra_partitioned made one index on each of the 7 partitions
    expect(allIndexes().length).toBe(rows[0]?.n);
    expect(allIndexes().length).toBe(56 + extraIndexes.length + 7);
    expect(tableOf('actor').indexes.find((index) => index.name === 'actor_pkey')?.live.constraint).toBe('primary');
    const byName = new Map(allIndexes().map((index) => [index.name, index]));
    expect(byName.get('film_fulltext_idx')?.method).toBe('gist');
    expect(byName.get('idx_unq_manager_staff_id')?.unique).toBe(true);
    expect(byName.get('extra_partial')?.where).toBe('(return_date IS NULL)');
    expect(byName.get('extra_expression')?.keyParts).toEqual([{ expression: 'lower(email)', order: 'asc' }]);
    expect(byName.get('extra_expressions')?.keyParts[0]).toEqual({
      expression: '((rental_rate * (rental_duration)::numeric))',
      order: 'desc',
      nulls: 'last',
    });
    expect(byName.get('extra_desc_nulls')?.keyParts).toEqual([
      { column: 'amount', order: 'desc', nulls: 'last' },
      { column: 'payment_date', order: 'asc', nulls: 'first' },
    ]);
    expect(byName.get('extra_include')?.include).toEqual(['first_name', 'last_name']);
    expect(byName.get('extra_opclass')?.keyParts[0]?.opclass).toBe('text_pattern_ops');
    expect(byName.get('extra_collation')?.keyParts[0]?.collation).toBe('"C"');
    expect(byName.get('extra_partitioned')?.live.partitioned).toBe(true);
    const children = allIndexes().filter((index) => index.live.parentIndex === 'public.extra_partitioned');
    expect(children.map((index) => index.table).sort()).toEqual(
      tableOf('payment').partitions?.map((part) => part.name),
    );
    expect(byName.get('idx_fk_payment_p2022_01_customer_id')?.live.parentIndex).toBeUndefined();
    for (const index of allIndexes()) {
      expect(index.live.definition).toBe(await definitionOf(test, 'public', index.name));
      expect(index.live.valid).toBe(true);
    }
  });

  it('models every index so that it prints back to exactly pg_get_indexdef', () => {
    const untrusted = allIndexes().filter((index) => !index.live.roundTrips);
    expect(untrusted.map((index) => index.live.definition)).toEqual([]);
    for (const index of allIndexes()) {
      expect(dialect.renderDefinition(index)).toBe(index.live.definition);
      // a desired index does not know its table is partitioned, so it prints without ONLY
      const expected = index.live.definition.replace(' ON ONLY ', ' ON ');
      expect(dialect.renderDefinition(renamed(index, index.name))).toBe(expected);
    }
  });

  it('builds each introspected index again from its model under a new name, identical but for the name', async () => {
    const indexes = allIndexes();
    for (const [position, index] of indexes.entries()) {
      const name = `rt_${position}`;
      const table = tableOf(index.table);
      const change = { action: 'create' as const, table, index: name, desired: renamed(index, name), warnings: [] };
      const rendered = dialect.renderChange(change, table);
      expect(rendered.online).toBe(true);
      await run(test, rendered.sql);
      const expected = index.live.definition.replace(/^(CREATE (?:UNIQUE )?INDEX )\S+ ON /, `$1${name} ON `);
      expect(await definitionOf(test, 'public', name)).toBe(expected);
      if (index.live.partitioned) {
        const attached = await test.exec(
          'select count(*)::int as n from pg_inherits h join pg_index i on i.indexrelid = h.inhparent where h.inhparent = to_regclass(?) and i.indisvalid',
          [`public.${name}`],
        );
        expect(attached[0]?.n).toBe(7);
      }
      await run(test, rendered.rollback);
      expect(await definitionOf(test, 'public', name)).toBeUndefined();
    }
  });

  it.each(['extra_partial', 'extra_expressions', 'extra_gin', 'extra_partitioned', 'idx_unq_manager_staff_id'])(
    'drops %s and its rollback restores the same definition',
    async (name) => {
      const index = allIndexes().find((candidate) => candidate.name === name)!;
      const table = tableOf(index.table);
      const rendered = dialect.renderChange({ action: 'drop', table, index: name, live: index, warnings: [] }, table);
      expect(rendered.reversible).toBe(true);
      expect(rendered.online).toBe(!index.live.partitioned);
      await run(test, rendered.sql);
      expect(await definitionOf(test, 'public', name)).toBeUndefined();
      await run(test, rendered.rollback);
      expect(await definitionOf(test, 'public', name)).toBe(index.live.definition);
    },
  );

  it('refuses to drop an index owned by a constraint', () => {
    const index = tableOf('actor').indexes.find((candidate) => candidate.name === 'actor_pkey')!;
    const rendered = dialect.renderChange(
      { action: 'drop', table: tableOf('actor'), index: index.name, live: index, warnings: [] },
      tableOf('actor'),
    );
    expect(rendered).toMatchObject({ sql: [], online: false, reversible: false });
    expect(rendered.onlineReason).toContain('PRIMARY KEY');
  });

  it.each([
    ['extra_include', 'customer', 'last_update'],
    ['extra_partitioned', 'payment', 'amount'],
  ])('replaces %s with another definition, and its rollback puts the old one back', async (name, tableName, column) => {
    const table = tableOf(tableName);
    const live = table.indexes.find((candidate) => candidate.name === name)!;
    const desired = new Index({ ...live, keyParts: [{ column, order: 'desc' }], include: [] });
    const rendered = dialect.renderChange(
      { action: 'replace', reason: 'definition differs', table, index: name, desired, live, warnings: [] },
      table,
    );
    expect(rendered.reversible).toBe(true);
    await run(test, rendered.sql);
    const after = await dialect.introspect(test.db, [table]);
    const now = after.tables.get(`public.${tableName}`)!.indexes.find((candidate) => candidate.name === name)!;
    expect(now.equivalent(desired)).toBe(true);
    expect(now.live.valid).toBe(true);
    await run(test, rendered.rollback);
    expect(await definitionOf(test, 'public', name)).toBe(live.live.definition);
  });
});
