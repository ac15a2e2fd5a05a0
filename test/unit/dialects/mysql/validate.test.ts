import { describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import { asc, column, index, mariadb1011, mysql8036, table } from './fixtures.js';

const posts = table('posts', [
  column('id', 'int', { nullable: false }),
  column('title', 'varchar(255)'),
  column('body', 'text'),
  column('slug', 'varchar(800)'),
  column('created', 'datetime(6)'),
  column('shape', 'geometry', { nullable: false }),
  column('maybe_shape', 'point'),
  column('hits', 'bigint'),
]);

describe.each([
  { flavor: 'MariaDB', server: mariadb1011 },
  { flavor: 'MySQL 8', server: mysql8036 },
])('validateIndex on $flavor', ({ server }) => {
  const dialect = createMysqlDialect(server);

  it.each([
    { kind: 'btree on varchar', parts: [asc('title')] },
    { kind: 'TEXT with prefix', parts: [asc('body', 100)] },
    { kind: 'key of exactly 3072 bytes', parts: [asc('slug', 766), asc('hits')] },
  ])('accepts $kind', ({ parts }) => {
    expect(dialect.validateIndex(index('posts', 'ok', parts), posts)).toEqual([]);
  });

  it.each([
    { kind: 'TEXT without prefix', idx: index('posts', 'x', [asc('body')]), code: 'text_without_length' },
    { kind: 'prefix on a number', idx: index('posts', 'x', [asc('hits', 4)]), code: 'prefix_not_string' },
    { kind: 'prefix longer than the column', idx: index('posts', 'x', [asc('title', 300)]), code: 'prefix_too_long' },
    { kind: 'key over 3072 bytes', idx: index('posts', 'x', [asc('slug'), asc('created')]), code: 'key_too_long' },
    { kind: 'unknown column', idx: index('posts', 'x', [asc('nope')]), code: 'unknown_column' },
    {
      kind: 'FULLTEXT on a number',
      idx: index('posts', 'x', [asc('hits')], { method: 'fulltext' }),
      code: 'fulltext_column_type',
    },
    {
      kind: 'SPATIAL on a nullable column',
      idx: index('posts', 'x', [asc('maybe_shape')], { method: 'spatial' }),
      code: 'spatial_column',
    },
    { kind: 'HASH on InnoDB', idx: index('posts', 'x', [asc('title')], { method: 'hash' }), code: 'hash_on_innodb' },
  ])('refuses $kind', ({ idx, code }) => {
    const problems = dialect.validateIndex(idx, posts);
    expect(problems.map((problem) => problem.code)).toContain(code);
    expect(problems[0]).toMatchObject({ index: 'x', table: 'posts' });
  });

  it('accepts SPATIAL on a NOT NULL geometry and FULLTEXT on text', () => {
    expect(dialect.validateIndex(index('posts', 's', [asc('shape')], { method: 'spatial' }), posts)).toEqual([]);
    const fulltext = index('posts', 'f', [asc('title'), asc('body')], { method: 'fulltext' });
    expect(dialect.validateIndex(fulltext, posts)).toEqual([]);
  });
});

describe('functional key parts', () => {
  const functional = index('posts', 'f', [{ expression: 'lower(`title`)', order: 'asc' }]);
  it('are refused on MariaDB and accepted on MySQL 8.0.36', () => {
    expect(
      createMysqlDialect(mariadb1011)
        .validateIndex(functional, posts)
        .map((p) => p.code),
    ).toEqual(['expression_unsupported']);
    expect(createMysqlDialect(mysql8036).validateIndex(functional, posts)).toEqual([]);
  });
});
