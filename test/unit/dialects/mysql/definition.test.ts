import { describe, expect, it } from 'vitest';
import { renderKeyLine } from '../../../../src/dialects/mysql/definition.js';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import { flavorFeatures } from '../../../../src/dialects/mysql/flavor.js';
import { asc, desc, index, mariadb1011, mysql8036, serverInfo } from './fixtures.js';

describe('SHOW CREATE TABLE key lines', () => {
  const maria = flavorFeatures(mariadb1011);
  const mysql = flavorFeatures(mysql8036);

  it.each([
    { kind: 'plain', index: index('t', 'idx_x', [asc('a'), asc('b', 10)]), line: '  KEY `idx_x` (`a`,`b`(10))' },
    { kind: 'primary', index: index('t', 'PRIMARY', [asc('id')], { unique: true }), line: '  PRIMARY KEY (`id`)' },
    { kind: 'unique', index: index('t', 'u', [asc('a')], { unique: true }), line: '  UNIQUE KEY `u` (`a`)' },
    {
      kind: 'fulltext',
      index: index('t', 'ft', [asc('a'), asc('b')], { method: 'fulltext' }),
      line: '  FULLTEXT KEY `ft` (`a`,`b`)',
    },
    { kind: 'spatial', index: index('t', 'sp', [asc('g')], { method: 'spatial' }), line: '  SPATIAL KEY `sp` (`g`)' },
    { kind: 'hash', index: index('t', 'h', [asc('a')], { method: 'hash' }), line: '  KEY `h` (`a`) USING HASH' },
    { kind: 'desc', index: index('t', 'd', [desc('a')]), line: '  KEY `d` (`a` DESC)' },
    { kind: 'odd name', index: index('t', "i`x 'y", [asc('c`d')]), line: "  KEY `i``x 'y` (`c``d`)" },
  ])('$kind', ({ index: definition, line }) => {
    expect(renderKeyLine(definition, maria)).toBe(line);
    expect(renderKeyLine(definition, mysql)).toBe(line);
    expect(createMysqlDialect(mariadb1011).renderDefinition(definition)).toBe(line);
  });

  it('prints COMMENT then IGNORED on MariaDB and INVISIBLE as MySQL 8 does', () => {
    const definition = index('t', 'c', [asc('a')]);
    const options = { comment: "it's a \\ and\nnewline", visible: false };
    expect(renderKeyLine(definition, maria, options)).toBe(
      "  KEY `c` (`a`) COMMENT 'it''s a \\\\ and\\nnewline' IGNORED",
    );
    expect(renderKeyLine(definition, mysql, { visible: false })).toBe('  KEY `c` (`a`) /*!80000 INVISIBLE */');
  });

  it('prints MySQL 8 functional key parts in their own parentheses', () => {
    const functional = index('t', 'f', [{ expression: 'lower(`email`)', order: 'asc' }, desc('b')]);
    expect(renderKeyLine(functional, mysql)).toBe('  KEY `f` ((lower(`email`)),`b` DESC)');
  });
});

describe('capabilities by flavor and version', () => {
  it.each([
    { server: mariadb1011, invisible: 'ignored', expressions: false },
    {
      server: serverInfo('mariadb', '10.5.20'),
      invisible: null,
      expressions: false,
    },
    { server: mysql8036, invisible: 'invisible', expressions: true },
    {
      server: serverInfo('mysql', '8.0.12'),
      invisible: 'invisible',
      expressions: false,
    },
    {
      server: serverInfo('mysql', '8.4.3'),
      invisible: 'invisible',
      expressions: true,
    },
  ])('$server.flavor $server.version', ({ server, invisible, expressions }) => {
    expect(createMysqlDialect(server).capabilities).toEqual({
      invisibleIndex: invisible,
      partialIndex: false,
      includeColumns: false,
      prefixLength: true,
      expressionKeyParts: expressions,
      nullsOrder: false,
      methods: ['btree', 'hash', 'fulltext', 'spatial'],
      maxIdentifierLength: 64,
      identifierLengthUnit: 'characters',
      indexNamesIgnoreCase: true,
      columnNamesIgnoreCase: true,
      maxKeyParts: 16,
    });
  });
});

describe('quoting', () => {
  const dialect = createMysqlDialect(mariadb1011);
  it.each([
    { name: 'tabSales Invoice', quoted: '`tabSales Invoice`' },
    { name: 'a`b', quoted: '`a``b`' },
    { name: "it's", quoted: "`it's`" },
  ])('identifier $name', ({ name, quoted }) => {
    expect(dialect.quoteIdent(name)).toBe(quoted);
  });
  it.each([
    { value: "it's", quoted: "'it''s'" },
    { value: 'back\\slash', quoted: "'back\\\\slash'" },
    { value: 'nul\0', quoted: "'nul\\0'" },
  ])('literal $value', ({ value, quoted }) => {
    expect(dialect.quoteLiteral(value)).toBe(quoted);
  });
});
