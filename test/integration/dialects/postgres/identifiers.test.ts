import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDialect } from '../../../../src/dialects/postgres/dialect.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import { Index } from '../../../../src/model/index-model.js';
import type { LiveTable } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';

const ref = { schema: 'sales data', name: 'tabSales Invoice' };
const indexName = 'idx "quoted" Name';

describe.each(testServersOf('postgres'))('postgres identifiers and INVALID indexes on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;
  const readTable = async (): Promise<LiveTable> =>
    (await dialect.introspect(test.db, [ref])).tables.get(`${ref.schema}.${ref.name}`)!;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createPostgresDialect(test.db.server);
    await test.exec(`CREATE SCHEMA ${dialect.quoteIdent(ref.schema)}`);
    await test.exec(
      `CREATE TABLE ${dialect.quoteIdent(ref.schema)}.${dialect.quoteIdent(ref.name)} ("cust""omer" text, "Status" text, "select" int)`,
    );
    await test.exec(
      `INSERT INTO ${dialect.quoteIdent(ref.schema)}.${dialect.quoteIdent(ref.name)} VALUES ('a', 'Open', 1), ('a', 'Open', 1)`,
    );
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('creates, reads back and drops an index whose names hold spaces, quotes, capitals and keywords', async () => {
    const desired = new Index({
      schema: ref.schema,
      table: ref.name,
      name: indexName,
      unique: false,
      method: 'btree',
      keyParts: [
        { column: 'cust"omer', order: 'asc' },
        { column: 'select', order: 'desc' },
      ],
      include: ['Status'],
      where: `"Status" <> 'Can''t'`,
    });
    const [canonical] = await dialect.canonicalize(test.db, [desired], 5_000);
    if (!canonical || !('index' in canonical)) throw new Error(`canonicalize failed: ${JSON.stringify(canonical)}`);
    const table = await readTable();
    const created = dialect.renderChange(
      { action: 'create', table: ref, index: indexName, desired: canonical.index, warnings: [] },
      table,
    );
    for (const statement of created.sql) await test.exec(statement);
    const live = (await readTable()).indexes.find((index) => index.name === indexName)!;
    expect(live.equals(canonical.index)).toBe(true);
    expect(live.live.roundTrips).toBe(true);
    expect(live.where).toBe(`("Status" <> 'Can''t'::text)`);
    expect(dialect.renderDefinition(canonical.index)).toBe(live.live.definition);

    const dropped = dialect.renderChange({ action: 'drop', table: ref, index: indexName, live, warnings: [] }, table);
    for (const statement of dropped.sql) await test.exec(statement);
    expect((await readTable()).indexes).toEqual([]);
    for (const statement of dropped.rollback) await test.exec(statement);
    const restored = (await readTable()).indexes.find((index) => index.name === indexName)!;
    expect(restored.live.definition).toBe(live.live.definition);
  });

  it('replaces an INVALID index left by a failed unique build, and the reverse does not rebuild it', async () => {
    const table = `${dialect.quoteIdent(ref.schema)}.${dialect.quoteIdent(ref.name)}`;
    const failed = await test
      .exec(`CREATE UNIQUE INDEX CONCURRENTLY "uq customer" ON ${table} ("cust""omer")`)
      .catch((e) => e);
    expect(failed).toBeInstanceOf(Error);
    const live = (await readTable()).indexes.find((index) => index.name === 'uq customer')!;
    expect(live.live.valid).toBe(false);
    const desired = new Index({ ...live, unique: false });
    const rendered = dialect.renderChange(
      { action: 'replace', reason: 'definition differs', table: ref, index: live.name, desired, live, warnings: [] },
      await readTable(),
    );
    expect(rendered.sql[0]).toBe(`DROP INDEX CONCURRENTLY "sales data"."uq customer"`);
    expect(rendered.rollback).toEqual([`DROP INDEX CONCURRENTLY "sales data"."uq customer"`]);
    for (const statement of rendered.sql) await test.exec(statement);
    const now = (await readTable()).indexes.find((index) => index.name === 'uq customer')!;
    expect(now.live.valid).toBe(true);
    expect(now.equivalent(desired)).toBe(true);
    for (const statement of rendered.rollback) await test.exec(statement);
    expect((await readTable()).indexes.map((index) => index.name)).not.toContain('uq customer');
  });
});
