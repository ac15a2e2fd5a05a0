import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { lintSql } from '../../../src/lint/engine.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';

/**
 * `missing-lock-timeout` on MySQL/MariaDB checked against the server: while another session holds an open
 * transaction that read every existing table and view, a statement either waits for its metadata lock
 * (it fails after `lock_wait_timeout = 1` with error 1205) or runs. The rule must warn on exactly the
 * statements that wait, on each flavor (MySQL 8+ also waits on the table a new foreign key references,
 * MariaDB does not).
 */
const schema = [
  'CREATE TABLE p (id INT PRIMARY KEY, x INT) ENGINE=InnoDB',
  'CREATE TABLE q (id INT PRIMARY KEY, pid INT, x INT) ENGINE=InnoDB',
  'CREATE VIEW v AS SELECT * FROM p',
  'CREATE TRIGGER tr BEFORE INSERT ON p FOR EACH ROW SET NEW.x = 1',
];

const statements = [
  'ALTER TABLE p ADD INDEX idx_x (x), ALGORITHM=INPLACE, LOCK=NONE',
  'CREATE INDEX idx_x ON q (x)',
  'DROP INDEX `PRIMARY` ON q',
  'ALTER TABLE q ADD CONSTRAINT fk_q_p FOREIGN KEY (pid) REFERENCES p (id)',
  'CREATE TABLE c (id INT PRIMARY KEY, pid INT, FOREIGN KEY (pid) REFERENCES p (id))',
  'CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p (id))',
  'DROP TABLE q',
  'DROP VIEW v',
  'TRUNCATE TABLE q',
  'RENAME TABLE q TO q_old',
  'CREATE TRIGGER tr2 BEFORE UPDATE ON p FOR EACH ROW SET NEW.x = 2',
  'DROP TRIGGER tr',
  'CREATE OR REPLACE VIEW v AS SELECT id FROM p',
  // these wait for nothing the reader holds
  'CREATE TABLE c (id INT PRIMARY KEY, note BOOL)',
  'CREATE TABLE c LIKE p',
  'CREATE TABLE c AS SELECT * FROM p',
  'CREATE VIEW v2 AS SELECT * FROM p',
  'INSERT INTO q VALUES (1, NULL, 1)',
];

// MariaDB, and MySQL 9.7 unless the global setup found nothing on its port (it prints why)
describe.each(testServersOf('mysql'))('missing-lock-timeout against metadata-lock waits on $label', (server) => {
  let test: TestDatabase | undefined;
  const sessions: Session[] = [];
  afterEach(async () => {
    for (const session of sessions.splice(0)) await session.release();
    await test?.drop();
  });

  it.each(statements)('%s', async (statement) => {
    test = await createTestDatabase(server);
    for (const sql of schema) await test.exec(sql);
    const dialect = test.db.server.flavor === 'mariadb' ? 'mariadb' : 'mysql';
    const reader = await test.db.session();
    const writer = await test.db.session();
    sessions.push(reader, writer);
    await reader.query('START TRANSACTION');
    for (const relation of ['p', 'q', 'v']) await reader.query(`SELECT * FROM ${relation}`);
    await writer.query('SET SESSION lock_wait_timeout = 1');
    let waited = false;
    try {
      await writer.query(statement);
    } catch (error) {
      if ((error as { errno?: number }).errno !== 1205) throw error;
      waited = true;
    }
    await reader.query('ROLLBACK');
    const result = await lintSql('m.sql', `${statement};\n`, { dialect, assumeInTransaction: false, levels: {} });
    const warned = result.findings.some((finding) => finding.rule === 'missing-lock-timeout');
    expect({ warned, parseErrors: result.findings.filter((f) => f.rule === 'parse-error').length }).toEqual({
      warned: waited,
      parseErrors: 0,
    });
  });
});
