import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import { flavorFeatures } from '../../../../src/dialects/mysql/flavor.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import type { Change } from '../../../../src/model/change.js';
import { Index, type KeyPart } from '../../../../src/model/index-model.js';
import { findTable, type LiveTable } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';
import { seqRows } from '../../../support/mysql-rows.js';
import { schemaDump } from './dump.js';
import { runSqlScript, sakilaFor } from './load-sql.js';
import { keyLines, showCreateTable } from './show-create.js';

const mix = 'key_mix';
const mixKeysInServerOrder = [
  'PRIMARY',
  'uq_code',
  'uq_code_ref',
  'uq_ref_prefix',
  'uq_email',
  'uq_email_prefix',
  'k_a',
  'k_b',
  'sp_g',
  'k_c',
  'k_v',
  'k_d',
  'ft_title',
  'ft_body',
];

const plainKeys = ['k_a', 'k_b', 'sp_g', 'k_c', 'k_d'];

describe.each(testServersOf('mysql'))('mysql key order and byte-identical rollbacks on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;

  /** MySQL puts the key on a virtual column (k_v) after the other plain keys; MariaDB keeps creation order. */
  function inServerOrder(keys: string[]): string[] {
    if (!flavorFeatures(test.db.server).virtualColumnKeysLast) return keys;
    const rest = keys.filter((key) => key !== 'k_v');
    const lastPlain = Math.max(...plainKeys.map((key) => rest.indexOf(key)));
    return [...rest.slice(0, lastPlain + 1), 'k_v', ...rest.slice(lastPlain + 1)];
  }

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

  function btree(table: string, name: string, keyParts: KeyPart[], unique = false): Index {
    return new Index({ schema: test.name, table, name, unique, method: 'btree', keyParts, include: [] });
  }

  async function run(statements: string[]): Promise<void> {
    for (const sql of statements) await test.exec(sql);
  }

  /** SHOW CREATE TABLE of the table and the dump of the whole database. */
  async function snapshot(table: string): Promise<{ create: string; dump: string }> {
    return { create: await showCreateTable(test, table), dump: schemaDump(test) };
  }

  /** InnoDB's id of each index: it changes only when the index is built again. */
  async function innodbIndexIds(table: string): Promise<Map<string, number>> {
    const [indexes, tables] =
      test.db.server.flavor === 'mariadb'
        ? ['INNODB_SYS_INDEXES', 'INNODB_SYS_TABLES']
        : ['INNODB_INDEXES', 'INNODB_TABLES'];
    const rows = await test.exec(
      `select i.NAME as name, i.INDEX_ID as id from information_schema.${indexes} i
       join information_schema.${tables} t on t.TABLE_ID = i.TABLE_ID where t.NAME = ?`,
      [`${test.name}/${table}`],
    );
    return new Map(rows.map((row) => [String(row.name), Number(row.id)]));
  }

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createMysqlDialect(test.db.server);
    runSqlScript(test.url, test.name, sakilaFor(test.name));
    // keys declared out of the server's order, so that its sorting shows
    await test.exec(
      `create table ${mix} (
         id int not null auto_increment primary key, code varchar(20) not null, ref varchar(50) not null,
         email varchar(100), a int, b int, c int, d int, g geometry not null, v int as (a + 1) virtual,
         title text, body text,
         key k_a (a), unique key uq_email (email), key k_b (b), spatial key sp_g (g), unique key uq_code (code),
         fulltext key ft_title (title), key k_c (c), unique key uq_ref_prefix (ref(10)), key k_v (v),
         unique key uq_code_ref (code, ref), unique key uq_email_prefix (email(5)), key k_d (d) comment 'd''s key' ${flavorFeatures(test.db.server).invisibleIndex}, fulltext key ft_body (body)
       ) engine=InnoDB default charset=utf8mb4`,
    );
    // a long unique key (a hidden hash column, MariaDB only) sorts after every other unique key
    if (test.db.server.flavor === 'mariadb') {
      await test.exec(
        'create table long_unique (id int primary key, a int, w blob, unique key uq_w (w), unique key uq_a (a))',
      );
    }
    await test.exec(
      `insert into ${mix} (code, ref, email, a, b, c, d, g, title, body)
       select concat('c', seq), concat(seq, '-reference'), concat('e', seq, '@x.io'), seq % 7, seq % 11, seq, seq,
         point(seq, seq), concat('title ', seq), concat('body text ', seq) from ${seqRows(500)}`,
    );
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('reads indexes in SHOW CREATE TABLE order for every Sakila table and a table of every key class', async () => {
    const rows = await test.exec(
      "select TABLE_NAME as name from information_schema.TABLES where TABLE_SCHEMA = ? and TABLE_TYPE = 'BASE TABLE'",
      [test.name],
    );
    const refs = rows.map((row) => ({ schema: test.name, name: String(row.name) }));
    const schema = await dialect.introspect(test.db, refs);
    let tables = 0;
    for (const ref of refs) {
      const lines = await keyLines(test, ref.name);
      expect(
        findTable(schema, ref)!.indexes.map((index) => index.name),
        ref.name,
      ).toEqual([...lines.keys()]);
      tables += 1;
    }
    expect(tables).toBe(test.db.server.flavor === 'mariadb' ? 18 : 17);
    expect([...(await keyLines(test, mix)).keys()]).toEqual(inServerOrder(mixKeysInServerOrder));
    if (test.db.server.flavor === 'mariadb') {
      expect([...(await keyLines(test, 'long_unique')).keys()]).toEqual(['PRIMARY', 'uq_a', 'uq_w']);
    }
  });

  it('shows the server facts the restore relies on', async () => {
    const original = await liveTable(mix);
    const keysOf = async () => [...(await keyLines(test, mix)).keys()];
    // a key dropped and added back alone lands at the end of its class
    await test.exec(`alter table ${mix} drop index k_b`);
    await test.exec(`alter table ${mix} add key k_b (b)`);
    const moved = inServerOrder(['k_a', 'sp_g', 'k_c', 'k_v', 'k_d', 'k_b']);
    expect((await keysOf()).slice(6, 12)).toEqual(moved);
    // an ALTER that only drops and re-adds identical keys changes nothing, not even their order
    await test.exec(`alter table ${mix} drop index k_b, drop index sp_g, add key k_b (b), add spatial key sp_g (g)`);
    expect((await keysOf()).slice(6, 12)).toEqual(moved);
    // with a real change in the same ALTER, the re-added keys follow it in the order of the ADD clauses
    await test.exec(`alter table ${mix} drop index k_b`);
    await run(dialect.renderChange(change('drop', original, 'k_b'), original).rollback);
    expect(await keysOf()).toEqual(inServerOrder(mixKeysInServerOrder));
  });

  it.each([
    { kind: 'plain key between plain, SPATIAL and virtual-column keys', index: 'k_b', online: true },
    { kind: 'NOT NULL unique key', index: 'uq_code', online: true },
    { kind: 'first plain key', index: 'k_a', online: true },
    { kind: 'last plain key (nothing to move)', index: 'k_d', online: true },
    { kind: 'FULLTEXT key before another FULLTEXT key', index: 'ft_title', online: false },
  ])('drop then rollback of a $kind leaves SHOW CREATE TABLE and mysqldump byte-identical', async (spec) => {
    const before = await snapshot(mix);
    const algorithm = flavorFeatures(test.db.server).indexAlgorithm;
    const idsBefore = await innodbIndexIds(mix);
    const table = await liveTable(mix);
    const rendered = dialect.renderChange(change('drop', table, spec.index), table);
    // a drop whose undo copies the table is planned as not online, though the drop itself is
    expect(rendered.online).toBe(spec.online);
    expect(rendered.sql[0]).toContain('LOCK=NONE');
    await run(rendered.sql);
    expect((await keyLines(test, mix)).has(spec.index)).toBe(false);
    expect(rendered.rollback).toHaveLength(1);
    expect(rendered.rollback[0]).toContain(
      spec.online ? `ALGORITHM=${algorithm}, LOCK=NONE` : 'ALGORITHM=COPY, LOCK=SHARED',
    );
    await run(rendered.rollback);
    expect(await snapshot(mix)).toEqual(before);
    if (spec.online) {
      // the keys re-added behind it were moved, not built again
      const idsAfter = await innodbIndexIds(mix);
      for (const [name, id] of idsBefore) if (name !== spec.index) expect(idsAfter.get(name), name).toBe(id);
    }
  });

  it.each([
    {
      kind: 'same class',
      index: 'k_b',
      desired: () =>
        btree(mix, 'k_b', [
          { column: 'b', order: 'asc' },
          { column: 'c', order: 'asc' },
        ]),
    },
    {
      kind: 'plain key made unique',
      index: 'k_a',
      desired: () =>
        btree(
          mix,
          'k_a',
          [
            { column: 'id', order: 'asc' },
            { column: 'a', order: 'asc' },
          ],
          true,
        ),
    },
    {
      kind: 'NOT NULL unique key made nullable',
      index: 'uq_code',
      desired: () =>
        btree(
          mix,
          'uq_code',
          [
            { column: 'code', order: 'asc' },
            { column: 'email', order: 'asc' },
          ],
          true,
        ),
    },
    {
      kind: 'nullable unique key made plain',
      index: 'uq_email',
      desired: () => btree(mix, 'uq_email', [{ column: 'email', order: 'asc' }]),
    },
  ])('replace ($kind) then rollback leaves SHOW CREATE TABLE and mysqldump byte-identical', async (spec) => {
    const before = await snapshot(mix);
    const table = await liveTable(mix);
    const desired = spec.desired();
    const rendered = dialect.renderChange(change('replace', table, spec.index, desired), table);
    expect(rendered.online).toBe(true);
    await run(rendered.sql);
    const replaced = (await liveTable(mix)).indexes.find((index) => index.name === spec.index)!;
    expect(replaced.equals(desired)).toBe(true);
    expect(rendered.rollback[0]).toContain(`ALGORITHM=${flavorFeatures(test.db.server).indexAlgorithm}, LOCK=NONE`);
    await run(rendered.rollback);
    expect(await snapshot(mix)).toEqual(before);
  });

  it('create then rollback leaves SHOW CREATE TABLE and mysqldump byte-identical', async () => {
    const before = await snapshot(mix);
    const table = await liveTable(mix);
    const desired = btree(mix, 'k_new', [
      { column: 'c', order: 'asc' },
      { column: 'd', order: 'asc' },
    ]);
    const rendered = dialect.renderChange(change('create', table, 'k_new', desired), table);
    await run(rendered.sql);
    expect([...(await keyLines(test, mix)).keys()]).toContain('k_new');
    await run(rendered.rollback);
    expect(await snapshot(mix)).toEqual(before);
  });

  it('rolls back drops and a create on one table, each rendered on the table as the earlier steps leave it', async () => {
    const before = await snapshot(mix);
    let table = await liveTable(mix);
    // k_a's restore must not re-add k_c (dropped before it) but must move k_new (created before it);
    // the rollback runs in reverse, so each restore sees the table its step saw
    const created = btree(mix, 'k_new', [{ column: 'c', order: 'asc' }]);
    const changes = [
      () => change('drop', table, 'k_c'),
      () => change('create', table, 'k_new', created),
      () => change('drop', table, 'k_a'),
      () => change('drop', table, 'uq_code_ref'),
      () => change('drop', table, 'uq_code'),
    ];
    const steps = changes.map((next) => {
      const step = next();
      const rendered = dialect.renderChange(step, table);
      table = dialect.tableAfter(step, table);
      return rendered;
    });
    if (!flavorFeatures(test.db.server).indexExistenceGuards) {
      expect(steps.flatMap((step) => [...step.sql, ...step.rollback]).join('\n')).not.toContain('IF EXISTS');
    }
    for (const step of steps) await run(step.sql);
    for (const step of [...steps].reverse()) await run(step.rollback);
    expect(await snapshot(mix)).toEqual(before);
  });

  it.each([
    { kind: 'drop', action: 'drop' as const },
    { kind: 'replace', action: 'replace' as const },
    { kind: 'create', action: 'create' as const },
  ])('Sakila film: $kind then rollback leaves mysqldump byte-identical', async (spec) => {
    const before = await snapshot('film');
    const table = await liveTable('film');
    const title = btree('film', 'idx_title', [
      { column: 'title', order: 'asc' },
      { column: 'release_year', order: 'asc' },
    ]);
    const created = btree('film', 'idx_rating', [{ column: 'rating', order: 'asc' }]);
    const rendered =
      spec.action === 'drop'
        ? dialect.renderChange(change('drop', table, 'idx_title'), table)
        : spec.action === 'replace'
          ? dialect.renderChange(change('replace', table, 'idx_title', title), table)
          : dialect.renderChange(change('create', table, 'idx_rating', created), table);
    await run(rendered.sql);
    expect((await snapshot('film')).create).not.toBe(before.create);
    await run(rendered.rollback);
    expect(await snapshot('film')).toEqual(before);
  });
});
