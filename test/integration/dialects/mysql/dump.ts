import { spawnSync } from 'node:child_process';
import type { TestDatabase } from '../../../support/databases.js';

/**
 * `mysqldump --no-data --skip-dump-date --skip-comments` of the test database with the `AUTO_INCREMENT=N`
 * table options stripped (they follow the data): the text a schema round trip must leave byte-identical.
 */
export function schemaDump(test: TestDatabase): string {
  const target = new URL(test.url);
  const args = ['--no-data', '--skip-dump-date', '--skip-comments', '-h', target.hostname];
  args.push('-P', target.port || '3306', '-u', decodeURIComponent(target.username), test.name);
  const env = { ...process.env, MYSQL_PWD: decodeURIComponent(target.password) };
  for (const client of ['mariadb-dump', 'mysqldump']) {
    const run = spawnSync(client, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if ((run.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') continue;
    if (run.status !== 0) throw new Error(`${client} failed: ${run.stderr}`);
    return run.stdout.replace(/ AUTO_INCREMENT=\d+/g, '');
  }
  throw new Error('neither mariadb-dump nor mysqldump is installed');
}
