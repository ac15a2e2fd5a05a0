import { qualifiedTable } from '../../../../src/dialects/mysql/identifiers.js';
import type { TestDatabase } from '../../../support/databases.js';

/** SHOW CREATE TABLE text of one table. */
export async function showCreateTable(test: TestDatabase, table: string): Promise<string> {
  const [row] = await test.exec(`SHOW CREATE TABLE ${qualifiedTable(test.name, table)}`);
  return String(row?.['Create Table']);
}

/** The key lines of SHOW CREATE TABLE by index name, each without its trailing comma. */
export async function keyLines(test: TestDatabase, table: string): Promise<Map<string, string>> {
  const lines = (await showCreateTable(test, table)).split('\n');
  const keys = new Map<string, string>();
  for (const raw of lines) {
    if (!/^ {2}(PRIMARY |UNIQUE |FULLTEXT |SPATIAL )?KEY /.test(raw)) continue;
    const line = raw.replace(/,$/, '');
    const name = /^ {2}PRIMARY KEY/.test(line)
      ? 'PRIMARY'
      : /KEY `((?:[^`]|``)*)`/.exec(line)?.[1]?.replaceAll('``', '`');
    keys.set(name ?? line, line);
  }
  return keys;
}
