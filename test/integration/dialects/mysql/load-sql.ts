import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { quoteMysqlIdent } from '../../../../src/dialects/mysql/identifiers.js';

/** The Sakila schema file rewritten to load into `database` instead of creating `sakila`. */
export function sakilaFor(database: string): string {
  const text = readFileSync(new URL('../../../fixtures/sakila-schema.sql', import.meta.url), 'utf8');
  const header = 'DROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;';
  if (!text.includes(header)) throw new Error('sakila-schema.sql no longer starts with its CREATE SCHEMA lines');
  // the views name their tables `sakila.film` etc.
  const quoted = quoteMysqlIdent(database);
  return text.replace(header, `USE ${quoted};`).replaceAll(/\bsakila\./g, `${quoted}.`);
}

/** Runs a SQL script (with DELIMITER blocks) through the mariadb/mysql command-line client. */
export function runSqlScript(url: string, database: string, script: string): void {
  const target = new URL(url);
  const args = ['-h', target.hostname, '-P', target.port || '3306', '-u', decodeURIComponent(target.username)];
  const env = { ...process.env, MYSQL_PWD: decodeURIComponent(target.password) };
  for (const client of ['mariadb', 'mysql']) {
    const run = spawnSync(client, [...args, database], { input: script, env, encoding: 'utf8' });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
    if (run.status !== 0) throw new Error(`${client} failed: ${run.stderr}`);
    return;
  }
  throw new Error('neither the mariadb nor the mysql client is installed');
}
