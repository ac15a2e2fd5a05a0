/** Exit codes of the CLI (see SPEC: 0 ok/in sync, 1 error, 2 changes pending). */
export const ExitCode = { ok: 0, error: 1, pending: 2 } as const;

/** Base of every error the tool raises on purpose: a stable code and the exit code it maps to. */
export class SafeIndexError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, options?: { cause?: unknown; exitCode?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options?.exitCode ?? ExitCode.error;
  }
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
  code: string;
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

/** A DDL statement gave up waiting for a lock (after its retries). */
export class LockTimeoutError extends SafeIndexError {
  constructor(message: string, cause?: unknown) {
    super('lock_timeout', message, { cause });
  }
}

/** Another apply/rollback holds the tool's advisory lock. */
export class ConcurrentRunError extends SafeIndexError {
  constructor(message: string) {
    super('concurrent_run', message);
  }
}

/** A unique index cannot be built because rows share a key. */
export class DuplicateKeyError extends SafeIndexError {
  constructor(message: string, cause?: unknown) {
    super('duplicate_key', message, { cause });
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

/** An error as SPEC's JSON shows it. */
export function problemJson(problem: PlanProblem) {
  return {
    message: problem.message,
    code: problem.code,
    ...(problem.file ? { file: problem.file, line: problem.line, column: problem.column } : {}),
    ...(problem.index ? { index: problem.index } : {}),
    ...(problem.table ? { table: problem.table } : {}),
  };
}
