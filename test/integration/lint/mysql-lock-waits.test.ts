import { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { lintSql } from '../../../src/lint/engine.js';
import { createTestDatabase, type TestDatabase, type TestServer, testServersOf } from '../../support/databases.js';

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

/** MySQL 9.7 (scripts/ensure-mysql.sh) when it answers, unless the shared server list already has it. */
async function mysql97(): Promise<TestServer | undefined> {
  if (testServersOf('mysql').some((server) => server.label === 'mysql97')) return undefined;
  const only = process.env.SAFE_INDEX_TEST_ONLY?.split(',');
  if (process.env.SAFE_INDEX_SKIP_MYSQL === '1' || (only && !only.includes('mysql97'))) return undefined;
  const adminUrl = process.env.SAFE_INDEX_TEST_MYSQL97_URL ?? 'mysql://root@127.0.0.1:3307/';
  const url = new URL(adminUrl);
  const answers = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(2000);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
    socket.connect(Number(url.port || 3306), url.hostname);
  });
  if (!answers) console.warn(`lint lock waits: MySQL 9.7 skipped: nothing answers at ${url.host}`);
  return answers ? { label: 'mysql97', dialect: 'mysql', adminUrl } : undefined;
}

const extra = await mysql97();
const servers = [...testServersOf('mysql'), ...(extra ? [extra] : [])];

describe.each(servers)('missing-lock-timeout against metadata-lock waits on $label', (server) => {
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
