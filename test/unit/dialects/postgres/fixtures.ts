import type { ServerInfo } from '../../../../src/connection/database.js';

/** A PostgreSQL server of `version` as openDatabase would detect it: database `app`, schema `public`, unless overridden. */
export function postgresServer(version = '15.20', extra: Partial<ServerInfo> = {}): ServerInfo {
  const [major, minor, patch = 0] = version.split('.').map(Number) as [number, number, number?];
  return {
    dialect: 'postgres',
    flavor: 'postgres',
    version,
    major,
    minor,
    patch,
    database: 'app',
    defaultSchema: 'public',
    ...extra,
  };
}
