import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import { Index } from '../../../../src/model/index-model.js';
import { findTable, type TableRef } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';
import { runSqlScript, sakilaFor } from './load-sql.js';
import { keyLines } from './show-create.js';

describe.each(testServersOf('mysql'))('mysql introspection on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;
  let sakilaTables: TableRef[];

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createMysqlDialect(test.db.server);
    runSqlScript(test.url, test.name, sakilaFor(test.name));
    const rows = await test.exec(
      "select TABLE_NAME as name from information_schema.TABLES where TABLE_SCHEMA = ? and TABLE_TYPE = 'BASE TABLE'",
      [test.name],
    );
    sakilaTables = rows.map((row) => ({ schema: test.name, name: String(row.name) }));
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('reads every Sakila table with its columns and indexes', async () => {
    expect(sakilaTables).toHaveLength(16);
    const schema = await dialect.introspect(test.db, sakilaTables);
    expect(schema.tables.size).toBe(16);
    const rental = findTable(schema, { schema: test.name, name: 'rental' })!;
    expect(rental.engine).toBe('InnoDB');
    expect(rental.cascadingForeignKeys).toBe(true);
    expect(rental.indexes.map((index) => index.name).sort()).toEqual([
      'PRIMARY',
      'idx_fk_customer_id',
      'idx_fk_inventory_id',
      'idx_fk_staff_id',
      'rental_date',
    ]);
    const unique = rental.indexes.find((index) => index.name === 'rental_date')!;
    expect(unique.unique).toBe(true);
    expect(unique.columns()).toEqual(['rental_date', 'inventory_id', 'customer_id']);
    expect(rental.indexes.find((index) => index.name === 'PRIMARY')!.live.constraint).toBe('primary');
    const filmText = findTable(schema, { schema: test.name, name: 'film_text' })!;
    expect(filmText.cascadingForeignKeys).toBe(false);
    const fulltext = filmText.indexes.find((index) => index.name === 'idx_title_description')!;
    expect(fulltext.method).toBe('fulltext');
    const title = filmText.columns.find((column) => column.name === 'title')!;
    expect(title).toMatchObject({ dataType: 'varchar', characterLength: 255, bytesPerCharacter: 3, nullable: false });
  });

  it('renders every live index exactly as SHOW CREATE TABLE prints it', async () => {
    const schema = await dialect.introspect(test.db, sakilaTables);
    let compared = 0;
    for (const table of schema.tables.values()) {
      const lines = await keyLines(test, table.name);
      expect([...lines.keys()].sort()).toEqual(table.indexes.map((index) => index.name).sort());
      for (const index of table.indexes) {
        expect(index.live.definition).toBe(lines.get(index.name));
        expect(index.live.roundTrips).toBe(true);
        expect(dialect.renderDefinition(new Index(index))).toBe(lines.get(index.name));
        compared += 1;
      }
    }
    // 39 keys declared in the file, plus the two InnoDB adds for foreign keys that have none
    // (film_category.category_id, payment.rental_id)
    expect(compared).toBe(41);
  });

  it('sends the same number of catalog queries for 10 and for 500 tables', async () => {
    for (let i = 0; i < 500; i += 1) {
      await test.exec(`create table bulk_${i} (id int primary key, a varchar(20), b int, key ab (a, b))`);
    }
    const refs = (count: number) => Array.from({ length: count }, (_, i) => ({ schema: test.name, name: `bulk_${i}` }));
    const before10 = test.db.queryCount;
    const ten = await dialect.introspect(test.db, refs(10));
    const for10 = test.db.queryCount - before10;
    const before500 = test.db.queryCount;
    const many = await dialect.introspect(test.db, refs(500));
    const for500 = test.db.queryCount - before500;
    expect(ten.tables.size).toBe(10);
    expect(many.tables.size).toBe(500);
    expect([...many.tables.values()].filter((table) => table.indexes.length !== 2).map((table) => table.name)).toEqual(
      [],
    );
    expect(for10).toBe(for500);
    expect(for10).toBeLessThanOrEqual(4);
  });

  it('reads a few tables without opening the rest of their schema (MariaDB: each table named by equality)', async () => {
    const sent: { sql: string; bindings: readonly unknown[] }[] = [];
    const recording = {
      ...test.db,
      server: test.db.server,
      query: (sql: string, bindings: readonly unknown[] = []) => {
        sent.push({ sql, bindings });
        return test.db.query(sql, bindings);
      },
    } as typeof test.db;
    const wanted = sakilaTables.slice(0, 5);
    const schema = await dialect.introspect(recording, wanted);
    expect(schema.tables.size).toBe(5);
    expect(sent).toHaveLength(4);
    // EXPLAIN of an information_schema query says how many schema folders it scans for table names;
    // "Scanned 0 databases" means it looked each table up by name
    const scans = [];
    for (const { sql, bindings } of sent) {
      const rows = await test.db.query(`EXPLAIN ${sql}`, bindings);
      scans.push(...rows.map((row) => String(row.Extra ?? row.EXPLAIN ?? '')).filter((extra) => /Scanned/.test(extra)));
    }
    if (test.db.server.flavor === 'mariadb') {
      expect(scans.length).toBeGreaterThanOrEqual(4 * wanted.length);
      expect(scans.filter((extra) => !/Scanned 0 databases/.test(extra))).toEqual([]);
    }
  });

  it('keeps identifiers with spaces, backticks and quotes through create and introspect', async () => {
    const table = "tab`Sales 'Invoice";
    await test.exec(`create table ${dialect.quoteIdent(table)} (\`cust\`\`omer\` varchar(140), posting_date date)`);
    const ref = { schema: test.name, name: table };
    const before = findTable(await dialect.introspect(test.db, [ref]), ref)!;
    const desired = new Index({
      schema: test.name,
      table,
      name: "idx `odd' name",
      unique: false,
      method: 'btree',
      keyParts: [
        { column: 'cust`omer', order: 'asc', length: 20 },
        { column: 'posting_date', order: 'desc' },
      ],
      include: [],
    });
    const rendered = dialect.renderChange(
      { action: 'create', table: ref, index: desired.name, desired, warnings: [] },
      before,
    );
    for (const sql of rendered.sql) await test.exec(sql);
    const after = findTable(await dialect.introspect(test.db, [ref]), ref)!;
    const live = after.indexes.find((index) => index.name === desired.name)!;
    expect(live.equals(desired)).toBe(true);
    expect(live.live.definition).toBe((await keyLines(test, table)).get(desired.name));
    expect(after.columns.map((column) => column.name)).toEqual(['cust`omer', 'posting_date']);
  });
});
