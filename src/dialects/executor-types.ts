import type { Session } from '../connection/database.js';
import type { ErrorCode } from '../errors.js';
import type { TableRef } from '../model/schema.js';

/** Anything that runs a statement: the pool (`Database`) or one `Session`. */
export type Queryable = Pick<Session, 'query'>;

/** How a DDL statement treats transactions that keep it waiting (PostgreSQL CIC's old-snapshot waits). */
export type BlockersPolicy = 'wait' | 'abort';

/** Session settings of the connection that runs DDL. */
export interface DdlSessionOptions {
  lockTimeoutMs: number;
  blockers: BlockersPolicy;
  /** Longest wait for other transactions under `wait` (the server-side backstop when the monitor is gone). */
  snapshotWaitMs?: number;
}

/**
 * What went wrong with one statement, in the tool's own terms: the error code the step reports
 * (`statement_failed` when the server's error is none of the others).
 */
export type FailureKind = Extract<
  ErrorCode,
  | 'lock_timeout'
  | 'duplicate_key'
  | 'not_online'
  | 'key_too_long'
  | 'online_log_overflow'
  | 'canceled'
  | 'duplicate_check_timeout'
  | 'blockers'
  | 'run_lock_lost'
  | 'connection_lost'
  | 'statement_failed'
>;

/** A classified driver error: what happened, and what the user can do about it. */
export interface ClassifiedFailure {
  kind: FailureKind;
  message: string;
  remedy?: string;
}

/** What to do about a unique index that meets duplicate rows (the same advice on every server). */
export const duplicateKeyRemedy = 'remove the duplicate rows (plan --check-duplicates lists them) or drop `unique`';

/** How far a running DDL statement has come, as the server reports it. */
export interface BuildProgress {
  phase: string;
  /** 0..100 when the server gives numbers it can relate, else undefined. */
  percent?: number;
  detail?: string;
}

/** What a running DDL statement is waiting for right now. */
export interface LockWait {
  /** `table`: a lock on the table or index itself; `blockers`: other transactions to finish. */
  kind: 'table' | 'blockers';
  /** Who it waits for, printable (pid, user, age, query head). */
  blockers: string[];
}

/**
 * A session a change would wait for now. `snapshot`: an old transaction or snapshot that a concurrent
 * build waits for wherever it is in the database (PostgreSQL); `lock`: a session that holds, or may
 * hold, a lock on the table the DDL needs (a conflicting lock, an open InnoDB transaction, a long query).
 */
export interface Blocker {
  /** Server connection id (0 for a PostgreSQL prepared transaction, which has no session). */
  pid: number;
  user: string;
  application: string;
  state: string;
  /** Age of its transaction (or query), whole seconds. */
  ageS: number;
  /** Its current or last query, whitespace folded, truncated. */
  query: string;
  kind: 'snapshot' | 'lock';
}

/** Sessions younger than this are not reported as blockers: a busy database always has short transactions. */
export const blockerMinAgeS = 1;

/** A blocker as one printable line. */
export function describeBlocker(blocker: Blocker): string {
  const who = [blocker.user, blocker.application || '-', blocker.state || '-', `${blocker.ageS}s`].join(', ');
  const id = blocker.pid === 0 ? 'prepared transaction' : `pid ${blocker.pid}`;
  return `${id} (${who})${blocker.query ? `: ${blocker.query}` : ''}`;
}

/** Blocker rows as the catalog queries return them, one per session (a snapshot holder wins), oldest first, without `own`. */
export function blockersOfRows(rows: readonly Record<string, unknown>[], own: readonly number[]): Blocker[] {
  const byPid = new Map<string, Blocker>();
  for (const row of rows) {
    const blocker: Blocker = {
      pid: Number(row.pid),
      user: String(row.user ?? ''),
      application: String(row.application ?? ''),
      state: String(row.state ?? ''),
      ageS: Math.max(0, Math.floor(Number(row.age_s ?? 0))),
      query: String(row.query ?? ''),
      kind: row.kind === 'snapshot' ? 'snapshot' : 'lock',
    };
    if (blocker.pid !== 0 && own.includes(blocker.pid)) continue;
    const key = blocker.pid === 0 ? `prepared ${blocker.application}` : String(blocker.pid);
    const seen = byPid.get(key);
    if (!seen || (seen.kind === 'lock' && blocker.kind === 'snapshot')) byPid.set(key, blocker);
  }
  return [...byPid.values()].sort((a, b) => b.ageS - a.ageS);
}

/** A connection that may still be running a statement of an interrupted run. */
export interface OrphanCheck {
  connectionId: number;
  statement: string;
}

/** A recorded step's reverse statements as read back from the state tables (not trusted). */
export interface StoredRollback {
  action: string;
  table: TableRef;
  index: string;
}

/** Dialect-specific execution: session settings, the run lock, cleanup, error classes, progress. */
export interface DialectExecutor {
  /** Statements that prepare a DDL session (also written at the top of rollback scripts). */
  ddlSessionSql(options: DdlSessionOptions): string[];
  /** True when `wait` relies on the monitor to bound table-lock waits (the session timeout is lifted). */
  monitorEnforcesLockTimeout(options: DdlSessionOptions): boolean;
  /** True when this statement (rendered by the tool) waits for old transactions anywhere in the database. */
  waitsForSnapshots(sql: string): boolean;
  /** Whether the session still holds the run lock (false when it cannot answer). */
  holdsRunLock(session: Session): Promise<boolean>;
  /** Tries once to take the tool's run lock on a session that is not in a transaction. */
  tryRunLock(session: Session): Promise<boolean>;
  /** Releases the run lock. */
  releaseRunLock(session: Session): Promise<void>;
  /** Connection id of the session holding the run lock, if the server can tell. */
  runLockHolder(db: Queryable): Promise<number | null>;
  /** Ends a connection of an interrupted run that is still running one of its statements. */
  stopOrphan(db: Queryable, orphan: OrphanCheck): Promise<boolean>;
  /** Names of INVALID indexes on a table (failed concurrent builds); empty where none can exist. */
  invalidIndexes(db: Queryable, table: TableRef): Promise<string[]>;
  /** Drops INVALID indexes left by a failed statement. */
  dropInvalidIndexes(session: Session, table: TableRef, names: readonly string[]): Promise<void>;
  /**
   * Why a stored reverse statement of a step is not index DDL of the kind the step recorded, on its
   * table and index; undefined when it is. `rollback` runs nothing of a run with such a statement.
   */
  checkStoredRollback(db: Queryable, step: StoredRollback, statement: string): Promise<string | undefined>;
  /** Classifies a driver error. */
  classify(error: unknown): ClassifiedFailure;
  /** Reads the progress of the statement running on connection `id`. */
  progress(monitor: Session, id: number): Promise<BuildProgress | null>;
  /** Reads what the statement on connection `id` waits for, if anything. */
  lockWait(monitor: Session, id: number): Promise<LockWait | null>;
  /** Cancels the statement running on connection `id` if it is still waiting for a table lock. */
  cancelTableLockWait(monitor: Session, id: number): Promise<boolean>;
  /** The server's WAL position now (PostgreSQL LSN), or null where there is none to read. */
  walPosition(db: Queryable): Promise<string | null>;
  /** Bytes of WAL between two positions. */
  walBytes(db: Queryable, from: string, to: string): Promise<number>;
  /** Size of an index in bytes, or null when the server cannot say. */
  indexBytes(db: Queryable, table: TableRef, index: string): Promise<number | null>;
  /** Cancels whatever statement runs on connection `id` (the connection stays). */
  cancelStatement(monitor: Queryable, id: number): Promise<boolean>;
  /**
   * Sessions that a change on these tables would wait for now, oldest first, leaving out the given
   * connection ids (the tool's own) and sessions younger than `minAgeS` (default `blockerMinAgeS`).
   */
  blockers(db: Queryable, tables: readonly TableRef[], own: readonly number[], minAgeS?: number): Promise<Blocker[]>;
}
