import { driverError } from './dialects/shared/driver-error.js';

/** Exit codes of the CLI (see SPEC: 0 ok/in sync, 1 error, 2 changes pending). */
export const ExitCode = { ok: 0, error: 1, pending: 2 } as const;

/**
 * Every code the tool reports (`errors[].code` in JSON, the `code` of a thrown `SafeIndexError`), each
 * documented in docs/json.md. `internal` is kept for bugs: an error the tool did not mean to raise.
 */
export const errorCodes = [
  // command line, configuration, connection
  'usage',
  'config',
  'invalid_duration',
  'connection',
  'no_database',
  'internal',
  // plan files and what they ask of the server
  'plan_invalid',
  'plan_not_found',
  'plan_yaml',
  'plan_encoding',
  'plan_unknown_key',
  'plan_invalid_value',
  'plan_duplicate_name',
  'plan_sql_field',
  'verify_not_read_only',
  'table_not_found',
  'unknown_table',
  'unknown_column',
  'name_taken',
  'name_case_conflict',
  'replica_identity_index',
  'constraint_index',
  'impossible_change',
  'illegal_option',
  'server_rejects_index',
  'cannot_disable',
  'disable_unsupported',
  'name_too_long',
  'too_many_columns',
  'too_many_key_parts',
  'virtual_generated_column',
  'no_operator_class',
  'unique_not_supported',
  'order_not_supported',
  'include_not_supported',
  'multicolumn_not_supported',
  'expression_unsupported',
  'fulltext_column_type',
  'fulltext_options',
  'fulltext_unique',
  'spatial_shape',
  'spatial_column',
  'hash_on_innodb',
  'key_too_long',
  'prefix_not_string',
  'prefix_too_long',
  'text_without_length',
  // fleet files (--targets)
  'fleet_flag',
  'fleet_not_found',
  'fleet_yaml',
  'fleet_encoding',
  'fleet_unknown_key',
  'fleet_invalid_value',
  'fleet_invalid_url',
  'fleet_missing_env',
  'fleet_duplicate_name',
  'fleet_duplicate_url',
  'fleet_duplicate_wave',
  'fleet_unknown_target',
  'fleet_unplaced_target',
  // before a run: refusals
  'aborted',
  'not_online',
  'concurrent_run',
  'rollback_dir',
  'index_in_use',
  'usage_unknown',
  'saved_plan_invalid',
  'saved_plan_edited',
  'saved_plan_target',
  'saved_plan_too_old',
  'saved_plan_drift',
  // a step of a run
  'lock_timeout',
  'duplicate_key',
  'duplicate_check_timeout',
  'online_log_overflow',
  'canceled',
  'blockers',
  'run_lock_lost',
  'connection_lost',
  'statement_failed',
  'state_lost',
  'state_newer',
  'state_locked',
  'replica_lag',
  'verify_expect_unmet',
  'verify_regression',
  'verify_error',
  // rollback
  'no_such_run',
  'irreversible',
  'rollback_refused',
  'rollback_order',
  // reading the server, files
  'server_error',
  'file_access',
  'explain_unreadable',
  'explain_unsupported',
  // demo
  'demo_server',
  'demo_unavailable',
  'port_taken',
  'disk_full',
] as const;

/** A code of `errorCodes`. */
export type ErrorCode = (typeof errorCodes)[number];

/** Base of every error the tool raises on purpose: a stable code and the exit code it maps to. */
export class SafeIndexError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? ExitCode.error;
  }
}

/**
 * The code of any error that reaches the user: its own for a `SafeIndexError`; `server_error` for an
 * error the database server returned outside a classified step (pg: SQLSTATE `code` and `severity`;
 * mysql2: `errno` and `sqlState`); `file_access` for a file the operating system refused; else
 * `internal`, which means a bug.
 */
export function errorCodeOf(error: unknown): ErrorCode {
  if (error instanceof SafeIndexError) return error.code;
  if (driverError(error).fromServer) return 'server_error';
  if (typeof (error as { syscall?: unknown } | null)?.syscall === 'string') return 'file_access';
  return 'internal';
}

/** Where in a plan file something was written. */
export interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/** One problem with a plan: bad YAML, schema violation, or a check against the live schema. */
export interface PlanProblem {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  index?: string;
  table?: string;
  code: ErrorCode;
}

/** A plan that cannot be used; carries every problem found, each with file:line:col where known. */
export class PlanError extends SafeIndexError {
  readonly problems: PlanProblem[];
  constructor(problems: PlanProblem[]) {
    super('plan_invalid', problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** Formats a problem as `file:line:col: message`. */
export function formatProblem(problem: PlanProblem): string {
  const where = problem.file
    ? `${problem.file}${problem.line ? `:${problem.line}${problem.column ? `:${problem.column}` : ''}` : ''}: `
    : '';
  return `${where}${problem.message}`;
}

/** Connection or configuration problem (bad URL, unreachable server, missing knexfile). */
export class ConnectionError extends SafeIndexError {
  constructor(message: string, cause?: unknown) {
    super('connection', message, { cause });
  }
}

/** Another apply/rollback holds the tool's advisory lock. */
export class ConcurrentRunError extends SafeIndexError {
  constructor(message: string) {
    super('concurrent_run', message);
  }
}

/** The server cannot do the change online and `--allow-blocking` was not given. */
export class NotOnlineError extends SafeIndexError {
  constructor(message: string, cause?: unknown) {
    super('not_online', message, { cause });
  }
}

/**
 * A saved plan that must not run: edited since it was written (`saved_plan_edited`), made for another
 * server or database (`saved_plan_target`), older than `--max-plan-age` (`saved_plan_too_old`), not a
 * readable saved plan (`saved_plan_invalid`), or computed from a live state that has changed (`saved_plan_drift`).
 */
export class SavedPlanError extends SafeIndexError {}
