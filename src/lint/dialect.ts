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
