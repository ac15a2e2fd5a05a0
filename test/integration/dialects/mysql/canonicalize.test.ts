import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import type { CanonicalResult, Dialect } from '../../../../src/dialects/types.js';
import { Index, type KeyPart } from '../../../../src/model/index-model.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';
import { runSqlScript, sakilaFor } from './load-sql.js';

describe.each(testServersOf('mysql'))('mysql canonicalize on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;

  function desired(table: string, keyParts: KeyPart[], extra: Partial<Index> = {}): Index {
    return new Index({
      schema: test.name,
      table,
      name: 'idx_wanted',
      unique: false,
      method: 'btree',
      keyParts,
      include: [],
      ...extra,
    });
  }

  /** Canonical forms under the default lock timeout of a plan. */
  const canonicalize = (indexes: Index[]) => dialect.canonicalize(test.db, indexes, 5_000);

  function errorOf(result: CanonicalResult | undefined): string {
    return result && 'error' in result ? result.error : `no error: ${JSON.stringify(result)}`;
  }

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createMysqlDialect(test.db.server);
    runSqlScript(test.url, test.name, sakilaFor(test.name));
    await test.exec(
      `create table wide (a varchar(768), b varchar(10), body text, n int, key idx_wanted (n)) default charset=utf8mb4`,
    );
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('returns what the server builds: a prefix as long as the column is no prefix', async () => {
    const [result] = await canonicalize([
      desired('wide', [
        { column: 'b', order: 'asc', length: 10 },
        { column: 'n', order: 'desc' },
      ]),
    ]);
    expect(result).toHaveProperty('index');
    const index = (result as { index: Index }).index;
    expect(index.name).toBe('idx_wanted');
    expect(index.keyParts).toEqual([
      { column: 'b', order: 'asc' },
      { column: 'n', order: 'desc' },
    ]);
  });

  it('refuses a TEXT column without a prefix length with the server message', async () => {
    const [result] = await canonicalize([desired('wide', [{ column: 'body', order: 'asc' }])]);
    expect(errorOf(result)).toMatch(/1071|1170/);
  });

  it('refuses a key over 3072 bytes with the server message', async () => {
    const [result] = await canonicalize([
      desired('wide', [
        { column: 'a', order: 'asc' },
        { column: 'b', order: 'asc' },
      ]),
    ]);
    expect(errorOf(result)).toContain('1071');
    expect(errorOf(result)).toContain('3072');
  });

  it('reports a missing column and keeps going with the next index', async () => {
    const results = await canonicalize([
      desired('wide', [{ column: 'nope', order: 'asc' }]),
      desired('actor', [{ column: 'last_name', order: 'asc' }], { name: 'idx_actor_last_name' }),
    ]);
    expect(errorOf(results[0])).toContain('nope');
    expect(results[1]).toHaveProperty('index');
  });

  it('builds on a table that has a FULLTEXT index, and builds FULLTEXT itself', async () => {
    const results = await canonicalize([
      desired('film_text', [{ column: 'title', order: 'asc', length: 255 }]),
      desired('film_text', [{ column: 'description', order: 'asc' }], { method: 'fulltext' }),
      desired('film_text', [{ column: 'film_id', order: 'asc' }], { method: 'fulltext' }),
    ]);
    expect((results[0] as { index: Index }).index.keyParts).toEqual([{ column: 'title', order: 'asc' }]);
    expect((results[1] as { index: Index }).index.method).toBe('fulltext');
    expect(errorOf(results[2])).toContain('FULLTEXT');
  });

  it('never touches the real table', async () => {
    await canonicalize([desired('wide', [{ column: 'b', order: 'asc' }], { name: 'idx_ghost' })]);
    const rows = await test.exec('show index from wide where Key_name = ?', ['idx_ghost']);
    expect(rows).toHaveLength(0);
  });
});
