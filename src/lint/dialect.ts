import type { ServerInfo } from '../connection/database.js';
import { SafeIndexError } from '../errors.js';
import type { LintDialect, LintFamily } from './types.js';

const schemeDialects: Record<string, LintDialect> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mariadb',
};

/** The SQL family a dialect is parsed as. */
export function familyOf(dialect: LintDialect): LintFamily {
  return dialect === 'postgres' ? 'postgres' : 'mysql';
}

/** The lint dialect from `--dialect`, else from the scheme of `--url`/`DATABASE_URL` (no connection is made). */
export function resolveLintDialect(flag: string | undefined, url: string | undefined): LintDialect {
  if (flag) return flag as LintDialect;
  if (url) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw new SafeIndexError('usage', 'lint: --url / DATABASE_URL is not a valid URL; pass --dialect instead');
    }
    const dialect = schemeDialects[protocol];
    if (dialect) return dialect;
    throw new SafeIndexError('usage', `lint: cannot tell the dialect from a ${protocol}// URL; pass --dialect`);
  }
  throw new SafeIndexError('usage', 'lint: name the SQL dialect with --dialect postgres|mysql|mariadb (or give --url)');
}

/**
 * The server a MySQL-family lint dialect is judged as, for the flavor facts lint reads (no connection is
 * made): MySQL 8.0 and MariaDB 10.11, the oldest versions whose behaviour the rules describe.
 */
export function lintedServer(dialect: 'mysql' | 'mariadb'): ServerInfo {
  const [major, minor] = dialect === 'mysql' ? [8, 0] : [10, 11];
  return {
    dialect: 'mysql',
    flavor: dialect,
    version: `${major}.${minor}.0`,
    major,
    minor,
    patch: 0,
    database: '',
    defaultSchema: '',
  };
}
