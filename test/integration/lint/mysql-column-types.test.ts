import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';

/**
 * Every column type the server knows, and the column forms of MySQL 8/9 and MariaDB 10.11 CREATE TABLE,
 * through `lint`: the server proves each one (CREATE TABLE succeeds), then lint must read the same
 * statement without a parse-error. Type names come from the server's own help tables (categories of
 * data types and geographic features); a name is tried bare, with a length and with a value list, and
 * the first form the server accepts is kept. Names that are not types (functions, overview topics) are
 * rejected by the server and dropped.
 */

/**
 * Column forms besides the help-table names: the synonyms and spatial types the MySQL manual lists
 * outside its help tables, attributes, defaults, generated and hidden columns.
 */
const columnForms = [
  'BOOL',
  'JSON',
  'SERIAL',
  'NUMERIC(10,2)',
  'REAL',
  'FIXED',
  'INT1',
  'INT2',
  'INT3',
  'INT4',
  'INT8',
  'MIDDLEINT',
  'FLOAT4',
  'FLOAT8',
  'CHARACTER(10)',
  'NCHAR(10)',
  'NVARCHAR(10)',
  'NATIONAL CHARACTER VARYING(10)',
  'LONG',
  'LONG CHARACTER VARYING',
  'TINYINT UNSIGNED',
  'GEOMETRY',
  'POINT',
  'LINESTRING',
  'POLYGON',
  'MULTIPOINT',
  'MULTILINESTRING',
  'MULTIPOLYGON',
  'GEOMETRYCOLLECTION',
  'GEOMCOLLECTION',
  'VECTOR(3)',
  'BOOL NOT NULL DEFAULT FALSE',
  'BOOLEAN DEFAULT TRUE',
  'TINYINT(1) NOT NULL DEFAULT 0',
  'VARCHAR(20) BINARY',
  'CHAR(20) BINARY NOT NULL',
  'TEXT BINARY',
  'VARCHAR(20) CHARACTER SET latin1 BINARY',
  'VARCHAR(20) BINARY CHARACTER SET latin1',
  'VARCHAR(20) CHARSET ascii COLLATE ascii_bin',
  'VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
  'VARCHAR(191) COLLATE utf8mb4_unicode_ci NOT NULL',
  'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin',
  "ENUM('a','b') CHARACTER SET latin1 NOT NULL DEFAULT 'a'",
  'CHAR VARYING(20)',
  'CHARACTER VARYING(20)',
  'NATIONAL CHAR(20)',
  'NATIONAL VARCHAR(20)',
  'NCHAR VARCHAR(20)',
  'LONG VARCHAR',
  'LONG VARBINARY',
  'DOUBLE PRECISION',
  'DOUBLE(10,2)',
  'FLOAT(7,4)',
  'DEC(10,2)',
  'FIXED(10,2)',
  'INT UNSIGNED ZEROFILL',
  'INT SIGNED',
  'DECIMAL(10,2) UNSIGNED',
  'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY',
  'INT SERIAL DEFAULT VALUE',
  "INT NOT NULL DEFAULT 0 COMMENT 'counter'",
  'TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP',
  'TIMESTAMP(6) NULL DEFAULT NULL',
  'DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)',
  'YEAR(4)',
  "BIT(1) DEFAULT b'0'",
  "VARBINARY(4) DEFAULT X'0F'",
  'BIGINT DEFAULT (1 + 1)',
  'JSON DEFAULT (JSON_ARRAY())',
  'JSON CHECK (JSON_VALID(c))',
  'INT CONSTRAINT ck_c CHECK (c > 0)',
  'INT GENERATED ALWAYS AS (1) VIRTUAL',
  'INT AS (1) STORED',
  'INT AS (1) PERSISTENT',
  'INT INVISIBLE',
  'INT VISIBLE',
  'POINT NOT NULL SRID 4326',
  'INT COLUMN_FORMAT FIXED',
  'INT STORAGE DISK',
  'VARCHAR(20) UNIQUE KEY',
  'VARCHAR(255) COMPRESSED',
  "INT ENGINE_ATTRIBUTE '{}'",
];

// MariaDB, and MySQL 9.7 unless the global setup found nothing on its port (it prints why)
describe.each(testServersOf('mysql'))('lint reads every column type $label accepts', (server) => {
  let test: TestDatabase;
  let dialect: 'mysql' | 'mariadb';
  let accepted: string[];
  let rejectedForms: string[];

  async function accepts(definition: string, table: string): Promise<boolean> {
    try {
      await test.exec(`CREATE TABLE \`${table}\` (c ${definition}, other INT)`); // other: INVISIBLE needs a visible column
      return true;
    } catch {
      return false;
    }
  }

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = test.db.server.flavor === 'mariadb' ? 'mariadb' : 'mysql';
    const topics = await test.exec(
      `SELECT t.name AS name FROM mysql.help_topic t JOIN mysql.help_category c ON c.help_category_id = t.help_category_id
       WHERE c.name LIKE '%Data Type%' OR c.name IN ('Geographic Features', 'Geographic')`,
    );
    const names = new Set(
      topics
        .map((row) =>
          String(row.name)
            .replace(/\\_/g, '_')
            .replace(/ DATA TYPE$/i, ''),
        )
        .filter((name) => /^[A-Z][A-Z0-9_]*(?: [A-Z][A-Z0-9_]*)*$/.test(name) && !/^(?:ST|MBR)_/.test(name)),
    );
    accepted = [];
    let count = 0;
    for (const name of [...names].sort()) {
      for (const definition of [name, `${name}(10)`, `${name}('a','b')`]) {
        if (await accepts(definition, `type_${count++}`)) {
          accepted.push(definition);
          break;
        }
      }
    }
    rejectedForms = [];
    for (const form of columnForms) {
      if (await accepts(form, `form_${count++}`)) accepted.push(form);
      else rejectedForms.push(form);
    }
  }, 300_000);
  afterAll(async () => {
    await test?.drop();
  });

  it('finds the types in the server help tables and accepts most column forms', () => {
    expect(accepted.length).toBeGreaterThan(columnForms.length);
    expect(rejectedForms.length).toBeLessThan(columnForms.length / 4); // the few of the other flavor
  });

  it('lints the CREATE TABLE of each accepted type and form without a parse-error', async () => {
    const unread: string[] = [];
    for (const definition of accepted) {
      const sql = `CREATE TABLE t (c ${definition}, other INT);\n`;
      const result = await lintSql('types.sql', sql, { dialect, assumeInTransaction: false, levels: {} });
      const errors = result.findings.filter((finding) => finding.rule === 'parse-error');
      for (const error of errors) unread.push(`${definition}: ${error.message.slice(0, 160)}`);
    }
    expect(unread).toEqual([]);
  });
});
