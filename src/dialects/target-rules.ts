import type { DialectName } from '../connection/target.js';

/**
 * What a dialect makes of a target's connection settings, known from the URL scheme or knexfile client
 * before any connection is opened (the `Dialect` objects need a connected server).
 */
export interface TargetRules {
  /**
   * Why a target must name its database, with an example, or null when it may leave it out. MySQL/MariaDB:
   * every command works in one database (its tables, the state tables, the run lock) and a session has none
   * unless told; PostgreSQL: a connection always opens one.
   */
  databaseRequired: string | null;
  /** The database a connection opens when its settings name none, from the settings' `user` ('' when none). */
  defaultDatabase(user: unknown): string;
}

const targetRules: Record<DialectName, TargetRules> = {
  postgres: {
    databaseRequired: null,
    // libpq and pg default the database name to the user name
    defaultDatabase: (user) => (user === undefined || user === null ? '' : String(user)),
  },
  mysql: {
    databaseRequired: 'MySQL/MariaDB targets need one, e.g. mysql://user@host:3306/app',
    defaultDatabase: () => '',
  },
};

/** The target rules of a dialect. */
export function targetRulesOf(dialect: DialectName): TargetRules {
  return targetRules[dialect];
}
