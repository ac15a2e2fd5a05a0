import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { ConnectionError } from '../errors.js';
import { drivers } from './drivers.js';

/** Which family of server a target speaks to. */
export type DialectName = 'postgres' | 'mysql';

/** Where to connect: a knex config plus a display form that never carries a password. */
export interface Target {
  dialect: DialectName;
  knexConfig: Knex.Config;
  /** The target as it may be printed: password replaced by `***`. */
  display: string;
  /** Secrets to scrub from any text that leaves the tool. */
  secrets: string[];
}

/** How the user named the target on the command line. */
export interface TargetOptions {
  url?: string;
  knexfile?: string;
  env?: string;
}

const schemes: Record<string, DialectName> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
};

const knexClients: Record<string, DialectName> = {
  pg: 'postgres',
  postgres: 'postgres',
  postgresql: 'postgres',
  mysql: 'mysql',
  mysql2: 'mysql',
};

/** Query parameters of a connection URL that carry a secret (`?password=`, `?sslpassword=`, ...). */
const secretParam = /pass|pwd|secret|token/i;

/** The secrets a URL carries: the userinfo password and secret query parameters (decoded). */
function secretsOfParsed(parsed: URL): string[] {
  const secrets = parsed.password ? [decodeURIComponent(parsed.password)] : [];
  for (const [key, value] of parsed.searchParams) if (secretParam.test(key) && value) secrets.push(value);
  return secrets;
}

/**
 * An unparsable URL without anything that could be a secret: the userinfo (up to the last `@`) and
 * the query string are replaced by `***`.
 */
function hideUnparsable(url: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  let rest = url.slice(scheme.length);
  const at = rest.lastIndexOf('@');
  if (at >= 0) rest = `***@${rest.slice(at + 1)}`;
  const query = rest.indexOf('?');
  if (query >= 0) rest = `${rest.slice(0, query)}?***`;
  return `${scheme}${rest}`;
}

/** Every secret a connection URL may carry, also when it does not parse (then its whole userinfo). */
export function secretsOfUrl(url: string): string[] {
  try {
    return secretsOfParsed(new URL(url));
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
    const rest = url.slice(scheme.length);
    const at = rest.lastIndexOf('@');
    if (at < 0) return [];
    const userinfo = rest.slice(0, at);
    const colon = userinfo.indexOf(':');
    return colon >= 0 ? [userinfo, userinfo.slice(colon + 1)] : [userinfo];
  }
}

/** Replaces the password of a connection URL (userinfo and secret query parameters) with `***`. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    for (const key of [...parsed.searchParams.keys()]) {
      if (secretParam.test(key)) parsed.searchParams.set(key, '***');
    }
    return parsed.toString();
  } catch {
    return hideUnparsable(url);
  }
}

/** Replaces every secret in a text with `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // longest first, so a secret that contains another is replaced whole
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('***');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('***');
  }
  return out;
}

/** Builds a target from a `postgres://`, `postgresql://`, `mysql://` or `mariadb://` URL. */
export function targetFromUrl(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConnectionError(`not a valid database URL: ${maskUrl(url)}`);
  }
  const dialect = schemes[parsed.protocol];
  if (!dialect) {
    throw new ConnectionError(
      `unsupported URL scheme ${parsed.protocol}// (use postgres://, postgresql://, mysql:// or mariadb://)`,
    );
  }
  const password = decodeURIComponent(parsed.password);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const connection: Record<string, unknown> = {
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : drivers[dialect].defaultPort,
    user: decodeURIComponent(parsed.username) || drivers[dialect].defaultUser,
    password,
    database: database || undefined,
  };
  for (const [key, value] of parsed.searchParams) connection[key] = value;
  Object.assign(connection, drivers[dialect].connectionDefaults);
  return {
    dialect,
    knexConfig: { client: drivers[dialect].knexClient, connection },
    display: maskUrl(url),
    secrets: secretsOfParsed(parsed),
  };
}

/** Builds a target from a knexfile (`.js`, `.cjs`, `.mjs` or `.json`) and an environment name. */
export async function targetFromKnexfile(file: string, env?: string): Promise<Target> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new ConnectionError(`knexfile not found: ${file}`);
  let loaded: unknown;
  try {
    const href = pathToFileURL(absolute).href;
    const module = absolute.endsWith('.json') ? await import(href, { with: { type: 'json' } }) : await import(href);
    loaded = module.default ?? module;
  } catch (error) {
    throw new ConnectionError(`cannot load knexfile ${file}: ${(error as Error).message}`, error);
  }
  const all = loaded as Record<string, unknown>;
  const envName = env ?? process.env.NODE_ENV ?? 'development';
  const config = (typeof all.client === 'string' ? all : all[envName]) as Knex.Config | undefined;
  if (!config || typeof config !== 'object') {
    throw new ConnectionError(`knexfile ${file} has no configuration for environment "${envName}"`);
  }
  const client = typeof config.client === 'string' ? config.client : '';
  const dialect = knexClients[client];
  if (!dialect) throw new ConnectionError(`knexfile ${file}: unsupported client "${client}" (use pg or mysql2)`);
  const connection = config.connection;
  if (typeof connection === 'string') {
    const fromUrl = targetFromUrl(connection);
    return { ...fromUrl, knexConfig: { ...config, ...fromUrl.knexConfig } };
  }
  if (!connection || typeof connection !== 'object') {
    throw new ConnectionError(`knexfile ${file}: environment "${envName}" has no connection settings`);
  }
  const settings = connection as Record<string, unknown>;
  const password = typeof settings.password === 'string' ? settings.password : '';
  const secrets = password ? [password] : [];
  // pg also takes the whole URL as `connectionString`
  if (typeof settings.connectionString === 'string') secrets.push(...secretsOfUrl(settings.connectionString));
  const user = typeof settings.user === 'string' ? settings.user : '';
  const scheme = drivers[dialect].urlScheme;
  const display = `${scheme}://${user}${password ? ':***' : ''}@${settings.host ?? '127.0.0.1'}${
    settings.port ? `:${settings.port}` : ''
  }/${settings.database ?? ''}`;
  return {
    dialect,
    knexConfig: { ...config, client: drivers[dialect].knexClient },
    display: typeof settings.connectionString === 'string' ? maskUrl(settings.connectionString) : display,
    secrets,
  };
}

/** Resolves `--url`, `DATABASE_URL` or `--knexfile/--env`, in that order. */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  if (options.url) return targetFromUrl(options.url);
  if (options.knexfile) return targetFromKnexfile(options.knexfile, options.env);
  if (process.env.DATABASE_URL) return targetFromUrl(process.env.DATABASE_URL);
  throw new ConnectionError('no database given: use --url, DATABASE_URL, or --knexfile');
}

/** Which server a target reaches, `host:port` (or the socket path), never with credentials. */
export function targetAddress(target: Target): string {
  const connection = target.knexConfig.connection;
  if (!connection || typeof connection !== 'object') return '';
  const settings = connection as Record<string, unknown>;
  if (typeof settings.socketPath === 'string') return settings.socketPath;
  const host = typeof settings.host === 'string' && settings.host ? settings.host : '127.0.0.1';
  const port = settings.port ? Number(settings.port) : drivers[target.dialect].defaultPort;
  return `${host}:${port}`;
}
