import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { stateTables } from '../../../src/state/migrate.js';
import type { TestDatabase } from '../../support/databases.js';

const run = promisify(execFile);
const bin = new URL('../../../dist/cli/bin.js', import.meta.url).pathname;

/** Result of one CLI invocation. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`dist/cli/bin.js`) in `cwd`. */
export async function cli(args: string[], cwd: string): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Starts the CLI without waiting (for kill -9 and concurrency tests). */
export function spawnCli(args: string[], cwd: string) {
  return spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A schema dump that must be byte-identical before and after apply → rollback. */
export async function schemaDump(test: TestDatabase): Promise<string> {
  const url = new URL(test.url);
  if (test.server.dialect === 'mysql') {
    const { stdout } = await run('mysqldump', [
      '--no-data',
      '--skip-dump-date',
      '--skip-comments',
      '-h',
      url.hostname,
      '-P',
      url.port || '3306',
      '-u',
      decodeURIComponent(url.username) || 'root',
      test.name,
      ...stateTables.flatMap((table) => ['--ignore-table', `${test.name}.${table}`]),
    ]);
    return stdout.replace(/ AUTO_INCREMENT=\d+/g, '');
  }
  // what the server keeps on an index besides its definition, from the catalog on every version
  const properties = await indexPropertiesDump(test);
  if (test.db.server.major === 15) {
    const { stdout } = await run('pg_dump', ['--schema-only', '--exclude-table=safe_index_*', test.url]);
    const dump = stdout
      .split('\n')
      .filter((line) => !/^\\(un)?restrict /.test(line))
      .join('\n');
    return `${dump}\n${properties}`;
  }
  // the pg_dump 15 client refuses a PG 18 server: compare the catalog's own definitions instead
  const rows = await test.exec(
    `select format('%s %s %s', c.relname, i.indisvalid, pg_get_indexdef(i.indexrelid)) as line
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and t.relname not like 'safe_index%'
     union all
     select format('%s.%s %s %s', table_name, column_name, data_type, is_nullable) from information_schema.columns
      where table_schema = 'public' and table_name not like 'safe_index%'
     order by 1`,
  );
  return `${rows.map((row) => String(row.line)).join('\n')}\n${properties}`;
}

/**
 * Per index of the public schema: replica identity, CLUSTER mark, tablespace, COMMENT and per-column statistics
 * targets (null when default: -1 before PostgreSQL 17, NULL from 17), and each table's REPLICA IDENTITY
 * setting; pg_dump prints these too, this also covers servers whose pg_dump the client cannot read.
 */
export async function indexPropertiesDump(test: TestDatabase): Promise<string> {
  const rows = await test.exec(
    `select format('index %s replident=%s clustered=%s tablespace=%s comment=%s statistics=%s', c.relname,
                   i.indisreplident, i.indisclustered,
                   coalesce((select quote_ident(s.spcname) from pg_tablespace s where s.oid = c.reltablespace), 'default'),
                   coalesce(quote_literal(obj_description(c.oid, 'pg_class')), 'null'),
                   (select coalesce(string_agg(a.attnum || ':' || a.attstattarget, ',' order by a.attnum), '')
                      from pg_attribute a where a.attrelid = c.oid and nullif(a.attstattarget, -1) is not null)) as line
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
       join pg_namespace n on n.oid = t.relnamespace
      where n.nspname = 'public' and t.relname not like 'safe_index%'
     union all
     select format('table %s replica identity %s', c.relname, c.relreplident) from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname not like 'safe_index%'
     order by 1`,
  );
  return rows.map((row) => String(row.line)).join('\n');
}
