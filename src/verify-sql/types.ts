import type { RoutineRef } from '../dialects/explain-types.js';

/** Which grammar checks a verify query: the server's own (PostgreSQL) or node-sql-parser's MySQL/MariaDB. */
export type VerifyGrammar = 'postgres' | 'mysql' | 'mariadb';

/**
 * Outcome of checking one verify query: the statement to run and the routines it names (to be looked
 * up on the target before it runs), or why it is refused.
 */
export type VerifySqlCheck = { ok: true; statement: string; routines: RoutineRef[] } | { ok: false; reason: string };

/** Removes the statement terminators and blanks after the last token (the parser has already seen one statement). */
export function withoutTerminator(sql: string): string {
  return sql.replace(/[\s;]+$/u, '');
}

/** Outcome of checking one free-text SQL field of a plan (`where`, `expression`): one expression, or why not. */
export type PlanFieldCheck = { ok: true } | { ok: false; reason: string };
