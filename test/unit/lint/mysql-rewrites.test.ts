import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import { originalOffset, rewriteAt } from '../../../src/lint/source/mysql-rewrites.js';
import type { LintDialect } from '../../../src/lint/types.js';

async function lint(sql: string, dialect: LintDialect) {
  return lintSql('test.sql', sql, { dialect, assumeInTransaction: false, levels: {} });
}

/** Column forms the servers accept and node-sql-parser 5 alone rejects (see mysql-rewrites.ts). */
const forms = [
  'BOOL',
  'BOOL NOT NULL DEFAULT FALSE',
  'VARCHAR(255) BINARY',
  'CHAR(36) BINARY NOT NULL',
  'TEXT BINARY',
  'VARCHAR(10) CHARACTER SET latin1 BINARY',
  'VARCHAR(10) CHARSET ascii COLLATE ascii_bin',
  'CHAR BYTE',
  'CHAR VARYING(10)',
  'CHARACTER(10)',
  'CHARACTER VARYING(10)',
  'NATIONAL CHAR(10)',
  'NATIONAL VARCHAR(10)',
  'NCHAR(10)',
  'NCHAR VARCHAR(10)',
  'VARCHARACTER(10)',
  'LONG',
  'LONG VARCHAR',
  'LONG CHAR VARYING',
  'LONG VARBINARY',
  'DEC',
  'DEC(10,2)',
  'FIXED(10,2)',
  'DOUBLE PRECISION',
  'REAL',
  'MIDDLEINT',
  'SQL_TSI_YEAR',
  'GEOMCOLLECTION',
  'NVARCHAR(10)',
  'INET4',
  'INET6',
  'UUID',
  'SERIAL',
  'INT SERIAL DEFAULT VALUE',
  'INT AS (1) PERSISTENT',
  'INT INVISIBLE',
  'INT VISIBLE',
  'POINT NOT NULL SRID 4326',
  'VARCHAR(255) COMPRESSED',
  "INT ENGINE_ATTRIBUTE '{}'",
  'INT WITHOUT SYSTEM VERSIONING',
];

describe('MySQL column forms node-sql-parser lacks', () => {
  it.each(forms.flatMap((form) => (['mysql', 'mariadb'] as const).map((dialect) => [form, dialect] as const)))(
    '%s (%s) lints without parse-error, in CREATE TABLE and ALTER TABLE',
    async (form, dialect) => {
      const sql = `CREATE TABLE t (id INT PRIMARY KEY, c ${form}, d INT);\nALTER TABLE u ADD COLUMN c ${form}, ALGORITHM=INSTANT;\nALTER TABLE u MODIFY c ${form};`;
      const result = await lint(sql, dialect);
      expect(result.findings.filter((finding) => finding.rule === 'parse-error')).toEqual([]);
    },
  );

  it('reads the statements after a rewritten one (a semicolon inside a string does not cut it)', async () => {
    const sql = "CREATE TABLE t (a BOOL, b VARCHAR(5) DEFAULT 'x;y');\nALTER TABLE orders ADD INDEX idx_a (a);";
    const result = await lint(sql, 'mysql');
    expect(result.findings.map((finding) => `${finding.rule}@${finding.line}`).sort()).toEqual([
      'missing-lock-timeout@2',
      'missing-online-ddl-options@2',
    ]);
  });

  it('still reports a real error, at its place in the original text (the parser points at NOT of NOT NUL)', async () => {
    const result = await lint('CREATE TABLE t (a BOOL, b VARCHAR(5) BINARY, c INT NOT NUL);', 'mysql');
    const errors = result.findings.filter((finding) => finding.rule === 'parse-error');
    expect(errors.map((error) => `${error.line}:${error.column}`)).toEqual([
      `1:${'CREATE TABLE t (a BOOL, b VARCHAR(5) BINARY, c INT '.length + 1}`,
    ]);
  });

  it.each([
    ['ALTER TABLE t ADD INDEX idx_a (a), ALGORITHM=NOCOPY, LOCK=NONE;', []],
    ['ALTER TABLE t ADD INDEX idx_a (a), ALGORITHM=NOCOPY;', ['missing-online-ddl-options@2']],
    [
      "ALTER TABLE t DROP INDEX IF EXISTS `idx_a`, ADD KEY IF NOT EXISTS `idx_b` (`b`) COMMENT 'it''s' IGNORED, ALGORITHM=NOCOPY, LOCK=NONE;",
      [],
    ],
    ['ALTER TABLE t DROP INDEX IF EXISTS `idx_a`;', ['missing-online-ddl-options@2']],
    ['ALTER TABLE t ALTER INDEX `idx ``a` NOT IGNORED, ALGORITHM=INSTANT, LOCK=NONE;', []],
    ['ALTER TABLE t ALTER INDEX idx_a INVISIBLE, ALGORITHM=INPLACE, LOCK=NONE;', []],
    ['ALTER TABLE t RENAME INDEX idx_a TO idx_b;', []],
    [
      'ALTER TABLE t ADD FULLTEXT KEY IF NOT EXISTS ft (b), ALGORITHM=COPY, LOCK=SHARED;',
      ['algorithm-copy@2', 'fulltext-or-spatial-index@2'],
    ],
  ] as const)("reads the tool's own form %s as the server does", async (statement, expected) => {
    const result = await lint(`SET SESSION lock_wait_timeout = 5;\n${statement}`, 'mariadb');
    expect(result.findings.map((finding) => `${finding.rule}@${finding.line}`).sort()).toEqual(expected);
  });

  it('reports the error column of a later, indented statement exactly (the parser must not trim it)', async () => {
    const result = await lint('SELECT 1;\n   CREATE TABLE t (a INT NOT NUL);', 'mysql');
    const errors = result.findings.filter((finding) => finding.rule === 'parse-error');
    expect(errors.map((error) => `${error.line}:${error.column}`)).toEqual([
      `2:${'   CREATE TABLE t (a INT '.length + 1}`,
    ]);
  });

  it('rewrites only a match that covers the error offset', () => {
    const sql = "SELECT 'BOOL', real FROM t WHERE x BOOL";
    expect(rewriteAt(sql, sql.indexOf('x BOOL'))).toBeUndefined();
    expect(rewriteAt(sql, sql.lastIndexOf('BOOL'))?.sql).toBe("SELECT 'BOOL', real FROM t WHERE x  BOOLEAN ");
  });

  it('maps offsets after a rewrite back to the original text', () => {
    const edit = { at: 10, removed: 4, inserted: 9 };
    expect(originalOffset(5, [edit])).toBe(5);
    expect(originalOffset(12, [edit])).toBe(10);
    expect(originalOffset(25, [edit])).toBe(20);
  });
});
