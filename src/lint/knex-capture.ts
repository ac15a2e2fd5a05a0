import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { familyOf } from './dialect.js';
import type { LintDialect } from './types.js';

/** One chunk of SQL a migration would send, and the line of the migration that asked for it. */
export interface CapturedQuery {
  sql: string;
  line: number;
  column: number;
  /** `safe-index` comments written in the migration right above the call (suppressions, notes). */
  directives: string[];
}

/** The SQL captured from one knex migration's `up`. */
export interface CapturedMigration {
  file: string;
  queries: CapturedQuery[];
  /** knex wraps the migration in a transaction (its `config.transaction` is not `false`). */
  inTransaction: boolean;
  /** Why the migration could not be (fully) captured. */
  error?: string;
}

const migrationExtensions = ['.js', '.cjs', '.mjs'];

/** The migration files of a folder, in the order knex runs them (by file name). */
async function knexMigrationFiles(folder: string): Promise<string[]> {
  const names = (await readdir(folder)).filter((name) => /\.(c|m)?[jt]s$/.test(name) && !name.endsWith('.d.ts'));
  return names.sort().map((name) => path.join(folder, name));
}

function callSite(file: string): { line: number; column: number } {
  const url = pathToFileURL(file).href;
  for (const frame of (new Error().stack ?? '').split('\n')) {
    const match = /\((.*):(\d+):(\d+)\)$/.exec(frame.trim()) ?? /at (.*):(\d+):(\d+)$/.exec(frame.trim());
    if (!match) continue;
    const where = match[1]!;
    if (where === url || where === file || (where.startsWith('file:') && fileURLToPath(where) === file)) {
      return { line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return { line: 1, column: 1 };
}

function directivesAbove(sourceLines: string[], line: number): string[] {
  const found: string[] = [];
  const own = sourceLines[line - 1] ?? '';
  const trailing = own.indexOf('// safe-index');
  if (trailing >= 0) found.push(own.slice(trailing + 2).trim());
  for (let i = line - 2; i >= 0 && sourceLines[i]!.trim().startsWith('//'); i--) {
    const text = sourceLines[i]!.trim().slice(2).trim();
    if (text.startsWith('safe-index')) found.unshift(text);
  }
  return found;
}

/** A knex instance with no connection whose builders record their SQL instead of running it. */
function capturingKnex(real: Knex, file: string, sourceLines: string[], queries: CapturedQuery[]): Knex {
  const capture = <T extends object>(builder: T, result: unknown): T => {
    const origin = callSite(file);
    Object.defineProperty(builder, 'then', {
      value: (resolve?: (value: unknown) => unknown, reject?: (reason: unknown) => unknown) => {
        try {
          const sql = String(builder.toString()).trim();
          if (sql) queries.push({ sql, ...origin, directives: directivesAbove(sourceLines, origin.line) });
          return Promise.resolve(result).then(resolve, reject);
        } catch (error) {
          return Promise.reject(error).then(resolve, reject);
        }
      },
    });
    return builder;
  };
  const schemaProxy = () =>
    new Proxy(real.schema, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        if (typeof property === 'string' && property.startsWith('has')) {
          return (..._args: unknown[]) => Promise.resolve(false); // a fresh database: nothing exists yet
        }
        return (...args: unknown[]) => capture(value.apply(target, args), undefined);
      },
    });
  const callable = (...args: unknown[]) => capture((real as unknown as (...a: unknown[]) => object)(...args), []);
  const proxy: Knex = new Proxy(callable as unknown as Knex, {
    get(_target, property) {
      if (property === 'schema') return schemaProxy();
      if (property === 'raw')
        return (...args: unknown[]) => capture((real.raw as (...a: unknown[]) => object)(...args), { rows: [] });
      if (property === 'transaction') {
        return async (callback?: (trx: Knex) => unknown) => (callback ? callback(proxy) : proxy);
      }
      if (['table', 'from', 'into', 'select', 'queryBuilder'].includes(String(property))) {
        const method = Reflect.get(real, property) as (...a: unknown[]) => object;
        return (...args: unknown[]) => capture(method.apply(real, args), []);
      }
      const value = Reflect.get(real, property);
      return typeof value === 'function' ? value.bind(real) : value;
    },
  });
  return proxy;
}

/** Runs each knex migration's `up` against a connection-less knex and records the SQL it would send. */
export async function captureKnexMigrations(folder: string, dialect: LintDialect): Promise<CapturedMigration[]> {
  const migrations: CapturedMigration[] = [];
  for (const file of await knexMigrationFiles(folder)) {
    const absolute = path.resolve(file);
    const migration: CapturedMigration = { file, queries: [], inTransaction: true };
    migrations.push(migration);
    if (!migrationExtensions.includes(path.extname(file))) {
      migration.error =
        'only JavaScript migrations (.js, .cjs, .mjs) can be loaded; compile TypeScript migrations first';
      continue;
    }
    const real = knexFactory({ client: familyOf(dialect) === 'postgres' ? 'pg' : 'mysql2' });
    try {
      const module = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
      const exported = (module.up ? module : (module.default ?? {})) as {
        up?: (knex: Knex) => unknown;
        config?: { transaction?: boolean };
      };
      migration.inTransaction = exported.config?.transaction !== false;
      if (typeof exported.up !== 'function') {
        migration.error = 'the file exports no up(knex) function';
        continue;
      }
      const sourceLines = (await readFile(absolute, 'utf8')).split('\n');
      await exported.up(capturingKnex(real, absolute, sourceLines, migration.queries));
    } catch (error) {
      migration.error = `up(knex) failed without a database: ${(error as Error).message}`;
    } finally {
      await real.destroy();
    }
  }
  return migrations;
}

/** The captured SQL as one script, and for each script line the migration line it came from. */
export function capturedScript(migration: CapturedMigration): {
  sql: string;
  origins: Array<{ line: number; column: number }>;
} {
  const lines: string[] = [];
  const origins: Array<{ line: number; column: number }> = [];
  for (const query of migration.queries) {
    const text = [
      ...query.directives.map((directive) => `-- ${directive}`),
      query.sql.endsWith(';') ? query.sql : `${query.sql};`,
    ];
    for (const line of text.join('\n').split('\n')) {
      lines.push(line);
      origins.push({ line: query.line, column: query.column });
    }
  }
  return { sql: lines.join('\n'), origins };
}
