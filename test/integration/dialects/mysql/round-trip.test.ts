import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import { flavorFeatures } from '../../../../src/dialects/mysql/flavor.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import type { Change } from '../../../../src/model/change.js';
import { Index } from '../../../../src/model/index-model.js';
import { findTable, type LiveTable } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';
import { runSqlScript, sakilaFor } from './load-sql.js';
import { keyLines, showCreateTable } from './show-create.js';

const invoice = 'tabSales Invoice';

describe.each(testServersOf('mysql'))('mysql render round trips on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;

  async function liveTable(name: string): Promise<LiveTable> {
    const ref = { schema: test.name, name };
    return findTable(await dialect.introspect(test.db, [ref]), ref)!;
  }

  /** A create, drop or replace of `index` on the table as introspected (a test that asks for a missing index fails). */
  function change(action: 'create' | 'drop' | 'replace', table: LiveTable, index: string, desired?: Index): Change {
    const ref = { schema: table.schema, name: table.name };
    const live = table.indexes.find((candidate) => candidate.name === index);
    if (action === 'create' && desired) return { action, table: ref, index, desired, warnings: [] };
    if (action === 'drop' && live) return { action, table: ref, index, live, warnings: [] };
    if (action === 'replace' && desired && live) {
      return { action, reason: 'definition differs', table: ref, index, desired, live, warnings: [] };
    }
    throw new Error(`test set-up: ${action} of ${index} lacks ${live ? 'the desired index' : 'the live index'}`);
  }

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createMysqlDialect(test.db.server);
    runSqlScript(test.url, test.name, sakilaFor(test.name));
    await test.exec(
      `create table \`${invoice}\` (name varchar(140) not null primary key, customer varchar(140), status varchar(20),
        posting_date date, remarks text, location geometry not null,
        key src_prefix (customer(20), status), key src_desc (posting_date desc, customer),
        key src_comment (status) comment 'it''s a \\\\ comment' ${flavorFeatures(test.db.server).invisibleIndex}) default charset=utf8mb4`,
    );
    await test.exec(`alter table \`${invoice}\` add spatial key src_spatial (location)`);
    await test.exec('create table mem (a int, b int, key src_hash (a) using hash) engine=memory');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it.each([
    { kind: 'btree composite', table: 'inventory', source: 'idx_store_id_film_id', online: true },
    { kind: 'unique', table: 'rental', source: 'rental_date', online: true },
    { kind: 'prefix', table: invoice, source: 'src_prefix', online: true },
    { kind: 'descending', table: invoice, source: 'src_desc', online: true },
    { kind: 'FULLTEXT', table: 'film_text', source: 'idx_title_description', online: false },
    { kind: 'SPATIAL', table: invoice, source: 'src_spatial', online: false },
    { kind: 'hash (MEMORY)', table: 'mem', source: 'src_hash', online: false },
  ])('creates a copy of a $kind index that prints like the original, then rolls it back', async (spec) => {
    const before = await showCreateTable(test, spec.table);
    const table = await liveTable(spec.table);
    const source = table.indexes.find((index) => index.name === spec.source)!;
    const desired = new Index({ ...source, name: `rt_${spec.source}` });
    const rendered = dialect.renderChange(change('create', table, desired.name, desired), table);
    expect(rendered.online).toBe(spec.online);
    expect(rendered.sql[0]).toContain(spec.online ? 'LOCK=NONE' : 'LOCK=SHARED');
    for (const sql of rendered.sql) await test.exec(sql);
    const lines = await keyLines(test, spec.table);
    const expected = lines.get(spec.source)!.replace(`\`${spec.source}\``, `\`rt_${spec.source}\``);
    expect(lines.get(desired.name)).toBe(expected);
    const created = (await liveTable(spec.table)).indexes.find((index) => index.name === desired.name)!;
    expect(created.equals(desired)).toBe(true);
    expect(created.live.definition).toBe(expected);
    expect(created.live.roundTrips).toBe(spec.table !== 'mem');
    expect(dialect.renderDefinition(desired)).toBe(expected);
    for (const sql of rendered.rollback) await test.exec(sql);
    expect(await showCreateTable(test, spec.table)).toEqual(before);
  });

  it.each([
    { kind: 'FULLTEXT', table: 'film_text', columns: '(title)', clause: 'FULLTEXT INDEX' },
    { kind: 'SPATIAL', table: invoice, columns: '(location)', clause: 'SPATIAL INDEX' },
  ])('is right that $kind cannot be built with LOCK=NONE', async (spec) => {
    const sql = `ALTER TABLE \`${test.name}\`.\`${spec.table}\` ADD ${spec.clause} probe ${spec.columns}, ALGORITHM=INPLACE, LOCK=NONE`;
    await expect(test.exec(sql)).rejects.toMatchObject({ errno: 1846 });
  });

  it('drops an index and restores it exactly, comment and IGNORED included', async () => {
    const before = await showCreateTable(test, invoice);
    const table = await liveTable(invoice);
    expect(table.indexes.find((index) => index.name === 'src_comment')!.live.roundTrips).toBe(false);
    const rendered = dialect.renderChange(change('drop', table, 'src_comment'), table);
    expect(rendered).toMatchObject({ online: true, reversible: true });
    for (const sql of rendered.sql) await test.exec(sql);
    expect((await keyLines(test, invoice)).has('src_comment')).toBe(false);
    for (const sql of rendered.rollback) await test.exec(sql);
    expect(await showCreateTable(test, invoice)).toEqual(before);
  });

  it('replaces an index in one statement online and rolls the replacement back', async () => {
    const before = await showCreateTable(test, invoice);
    const table = await liveTable(invoice);
    const desired = new Index({
      schema: test.name,
      table: invoice,
      name: 'src_desc',
      unique: false,
      method: 'btree',
      keyParts: [
        { column: 'customer', order: 'asc' },
        { column: 'posting_date', order: 'desc' },
      ],
      include: [],
    });
    const rendered = dialect.renderChange(change('replace', table, 'src_desc', desired), table);
    expect(rendered.sql).toHaveLength(1);
    expect(rendered.online).toBe(true);
    for (const sql of rendered.sql) await test.exec(sql);
    const replaced = (await liveTable(invoice)).indexes.find((index) => index.name === 'src_desc')!;
    expect(replaced.equals(desired)).toBe(true);
    for (const sql of rendered.rollback) await test.exec(sql);
    expect(await showCreateTable(test, invoice)).toEqual(before);
  });

  it('refuses to drop a PRIMARY KEY', async () => {
    const table = await liveTable('actor');
    const rendered = dialect.renderChange(change('drop', table, 'PRIMARY'), table);
    expect(rendered).toMatchObject({ sql: [], reversible: false, online: false });
    expect(rendered.onlineReason).toContain('PRIMARY KEY');
  });
});
