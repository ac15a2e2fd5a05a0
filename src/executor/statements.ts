import type { Session } from '../connection/database.js';
import {
  type Blocker,
  type ClassifiedFailure,
  type DialectExecutor,
  describeBlocker,
  type Queryable,
} from '../dialects/executor-types.js';
import { SafeIndexError } from '../errors.js';
import type { TableRef } from '../model/schema.js';
import { formatDuration } from '../plan-file/duration.js';
import { defaultSettings } from '../plan-file/types.js';
import { type StatementWatch, watchStatement } from './monitor.js';
import type { ExecutionSettings, ExecutionSink } from './types.js';

/** The connections and settings statements run with; each connection can be replaced when it dies. */
export interface StatementContext {
  executor: DialectExecutor;
  /** Dedicated DDL connection, outside any transaction, with the DDL session settings applied. */
  readonly ddl: Session;
  /** Second connection for progress, lock-wait and blocker polling while a statement runs. */
  readonly monitor: Session;
  /**
   * The target's pooled connections, for the catalog reads before a statement (snapshot holders, INVALID
   * indexes): the plan read the same catalogs there, so a PostgreSQL backend answers from warm caches
   * where the monitor's new one would first load them.
   */
  readonly lookups: Queryable;
  settings: ExecutionSettings;
  sink: ExecutionSink;
  /** Connection ids of the tool's own sessions (never reported as blockers). */
  ownConnections(): number[];
  /** Whether this run still holds the run lock (false when that cannot be checked). */
  runLockHeld(): Promise<boolean>;
  /** Replaces the monitor connection with a new one. */
  reconnectMonitor(): Promise<void>;
  /** Makes sure the DDL connection answers, replacing it (with its session settings) when it died. */
  ensureDdl(): Promise<void>;
  /** Closes the DDL connection from this side, so the server ends the statement it runs. */
  abandonDdl(): Promise<void>;
}

/**
 * A step that failed for good (after its retries), classified: its code is the failure's kind;
 * `blockers` when it gave up on sessions.
 */
export class StatementFailure extends SafeIndexError {
  readonly failure: ClassifiedFailure;
  readonly attempts: number;
  readonly statementIndex: number;
  readonly blockers: Blocker[];
  /**
   * Indexes the failed statement left INVALID that were valid before it: a `DROP INDEX CONCURRENTLY`
   * interrupted after its first phase. The index can no longer serve queries; what the step built
   * before it is then kept (see `undoPartialStep`).
   */
  invalidated: string[] = [];
  constructor(
    failure: ClassifiedFailure,
    attempts: number,
    statementIndex: number,
    cause: unknown,
    blockers: Blocker[] = [],
  ) {
    super(failure.kind, failure.remedy ? `${failure.message}. ${failure.remedy}` : failure.message, { cause });
    this.failure = failure;
    this.attempts = attempts;
    this.statementIndex = statementIndex;
    this.blockers = blockers;
  }
}

/** Delay before retry `attempt` (1-based): exponential from 250 ms, capped at 10 s, with ±50% jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + random()));
}

const preflightPollMs = 250;
const preflightReportMs = 10_000;

/** Runs `work` on the monitor connection, replacing the connection once if it fails. */
async function onMonitor<T>(context: StatementContext, work: (monitor: Session) => Promise<T>): Promise<T> {
  try {
    return await work(context.monitor);
  } catch (error) {
    context.sink.log(`the monitor connection failed (${(error as Error).message}); opening a new one`);
    await context.reconnectMonitor();
    return work(context.monitor);
  }
}

/** Runs a catalog read before a statement on a pooled connection, once more (on another) if it fails. */
async function lookup<T>(context: StatementContext, work: (db: Queryable) => Promise<T>): Promise<T> {
  try {
    return await work(context.lookups);
  } catch (error) {
    context.sink.log(`a catalog read failed (${(error as Error).message}); trying once more`);
    return work(context.lookups);
  }
}

/** The sessions holding a snapshot or a lock on `table` now (the tool's own left out). */
function lookForBlockers(context: StatementContext, table: TableRef): Promise<Blocker[]> {
  return lookup(context, (db) => context.executor.blockers(db, [table], context.ownConnections()));
}

/** How long one step may wait for the sessions it must outlive, by policy. */
function blockersBudgetMs(settings: ExecutionSettings): number {
  return settings.blockers === 'abort'
    ? settings.lockTimeoutMs
    : (settings.snapshotWaitMs ?? defaultSettings.snapshotWaitMs ?? 600_000);
}

/** The failure of a step that gave up waiting for the named sessions. */
function blockersFailure(
  context: StatementContext,
  label: string,
  blockers: Blocker[],
  attempts: number,
  statementIndex: number,
  sent: boolean,
  cause?: unknown,
): StatementFailure {
  const { settings } = context;
  const bound =
    settings.blockers === 'abort'
      ? `--blockers abort: ${formatDuration(settings.lockTimeoutMs)}, the lock timeout`
      : `--blockers wait: ${formatDuration(blockersBudgetMs(settings))}, --snapshot-wait`;
  const who = blockers.length > 0 ? blockers.map(describeBlocker).join('; ') : 'transactions that ended meanwhile';
  const what = sent ? 'the statement was cancelled' : 'nothing was sent';
  return new StatementFailure(
    {
      kind: 'blockers',
      message: `${label}: gave up waiting for ${blockers.length || 'other'} session(s) it must outlive (${bound}); ${what}: ${who}`,
      remedy: 'end or wait out those sessions and apply again, or give --blockers wait with a longer --snapshot-wait',
    },
    attempts,
    statementIndex,
    cause,
    blockers,
  );
}

/** Fails the step when the run lock is gone: nothing may start without it. */
async function requireRunLock(context: StatementContext, label: string, attempts: number, index: number) {
  if (await context.runLockHeld()) return;
  throw new StatementFailure(
    {
      kind: 'run_lock_lost',
      message: `${label}: the run lock is no longer held (its connection ended), so no further statement starts`,
      remedy: 'run plan to see the state, then apply again',
    },
    attempts,
    index,
    undefined,
  );
}

/**
 * Before a statement that waits for old transactions (a concurrent build): waits until no session
 * it would wait for is left, telling who it waits for; fails naming them at the step's deadline.
 */
async function waitForSnapshotHolders(
  context: StatementContext,
  table: TableRef,
  label: string,
  deadline: number,
  attempts: number,
  index: number,
  firstLook: Promise<Blocker[]>,
): Promise<void> {
  let lastReport = 0;
  for (let look = firstLook; ; look = lookForBlockers(context, table)) {
    const all = await look;
    const holders = all.filter((blocker) => blocker.kind === 'snapshot');
    if (holders.length === 0) return;
    const now = Date.now();
    if (now >= deadline) throw blockersFailure(context, label, holders, attempts, index, false);
    if (now - lastReport >= preflightReportMs) {
      lastReport = now;
      context.sink.log(
        `${label}: waiting for ${holders.length} session(s) it must outlive (--blockers ${context.settings.blockers}, ${formatDuration(deadline - now)} left): ${holders.map(describeBlocker).join('; ')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(preflightPollMs, Math.max(1, deadline - now))));
  }
}

/**
 * Drops INVALID indexes that appeared on the table during a failed build; returns what it could not
 * drop. After any other statement (an interrupted `DROP INDEX CONCURRENTLY` leaves the index it was
 * dropping INVALID) nothing is dropped: those are returned as they are, for the caller to report.
 */
async function dropNewInvalidIndexes(
  context: StatementContext,
  table: TableRef,
  before: readonly string[],
  build: boolean,
): Promise<string[]> {
  const { executor, settings } = context;
  const left = async () => {
    const names = await onMonitor(context, (monitor) => executor.invalidIndexes(monitor, table));
    return names.filter((name) => !before.includes(name));
  };
  let names = await left();
  if (names.length === 0 || !build) return names;
  await context.ensureDdl();
  // the cleanup always runs bounded by the lock timeout, whatever the blockers policy
  for (const sql of executor.ddlSessionSql({ ...settings, blockers: 'abort' })) await context.ddl.query(sql);
  // bounded: at most about one lock timeout in all (a session that still holds the table keeps the
  // index; the next plan reports it and the next apply drops it)
  const deadline = Date.now() + settings.lockTimeoutMs;
  for (let attempt = 0; attempt < 5 && names.length > 0 && Date.now() < deadline; attempt += 1) {
    await executor.dropInvalidIndexes(context.ddl, table, names).catch(() => {});
    names = await left();
  }
  for (const sql of executor.ddlSessionSql(settings)) await context.ddl.query(sql);
  return names;
}

/** The classified failure of a statement, with what the watch saw and did; `waitedForBlockers` when it waited on other transactions. */
function classifyFailure(
  context: StatementContext,
  error: unknown,
  watch: StatementWatch,
  table: TableRef,
): { failure: ClassifiedFailure; waitedForBlockers: boolean } {
  const failure = context.executor.classify(error);
  const waitedForBlockers =
    watch.canceled === 'blockers' ||
    ((failure.kind === 'lock_timeout' || failure.kind === 'canceled') && watch.lastWait?.kind === 'blockers');
  const watched: Partial<Record<NonNullable<StatementWatch['canceled']>, ClassifiedFailure>> = {
    run_lock_lost: {
      kind: 'run_lock_lost',
      message:
        'the run lock was lost (its connection ended) while the statement ran; the statement was cancelled and no further statement starts',
    },
    monitor_lost: {
      kind: 'connection_lost',
      message: `the monitor connection was lost and could not be reopened, so the statement's waits could no longer be bounded; its connection was closed (${failure.message})`,
    },
    lock: {
      kind: 'lock_timeout',
      message: `waited more than ${formatDuration(context.settings.lockTimeoutMs)} for a lock on ${table.name}`,
    },
  };
  const byWatch = watch.canceled ? watched[watch.canceled] : undefined;
  if (byWatch && (watch.canceled !== 'lock' || failure.kind === 'canceled'))
    return { failure: byWatch, waitedForBlockers };
  return { failure, waitedForBlockers };
}

/**
 * Runs the given statements of one step in order, each with the lock timeout. Before each statement
 * it checks that the run lock is still held and, before a concurrent build, waits (bounded) for the
 * old transactions the build would wait for. A lock timeout is retried with backoff up to
 * `maxRetries` — unless the sessions it waited for are still there under `--blockers abort`, or the
 * step's blockers budget is spent — and a failed statement leaves no INVALID index behind.
 * `onStatement` is told after each statement that succeeded.
 */
export async function runStatements(
  context: StatementContext,
  statements: readonly string[],
  table: TableRef,
  label: string,
  onStatement: (done: number, attempts: number) => Promise<void>,
): Promise<number> {
  const { executor, settings, sink } = context;
  const blockersDeadline = Date.now() + blockersBudgetMs(settings);
  let attempts = 0;
  for (const [index, sql] of statements.entries()) {
    for (let attempt = 0; ; attempt += 1) {
      // the checks before a statement go side by side, each on its own connection: the run lock (its
      // session) with the first look for snapshot holders (a pooled one); then the INVALID indexes there
      // are now (a pooled one) with the DDL connection's check. A lost run lock still fails first.
      const lockCheck = requireRunLock(context, label, attempts, index);
      if (executor.waitsForSnapshots(sql)) {
        const firstLook = lookForBlockers(context, table);
        firstLook.catch(() => {}); // awaited below, after the run lock's verdict
        await lockCheck;
        await waitForSnapshotHolders(context, table, label, blockersDeadline, attempts, index, firstLook);
      } else await lockCheck;
      attempts += 1;
      const [invalidBefore] = await Promise.all([
        lookup(context, (db) => executor.invalidIndexes(db, table)),
        context.ensureDdl(),
      ]);
      const watch = watchStatement(context, label, { blockersDeadline });
      try {
        await context.ddl.query(sql);
        await watch.stop();
        break;
      } catch (error) {
        await watch.stop();
        const classified = classifyFailure(context, error, watch, table);
        let failure = classified.failure;
        const build = executor.waitsForSnapshots(sql);
        const leftBehind = await dropNewInvalidIndexes(context, table, invalidBefore, build);
        const invalidNote = leftBehind.length > 0 ? `; INVALID index left behind: ${leftBehind.join(', ')}` : '';
        const invalidated = build ? [] : leftBehind;
        if (failure.kind === 'lock_timeout' || failure.kind === 'canceled') {
          // give up on sessions that are still there under abort, or once the step's budget is spent
          // (every session that holds a snapshot or lock now, however young: it is what the statement waited for)
          const { waitedForBlockers } = classified;
          const giveUp = waitedForBlockers || settings.blockers === 'abort' || Date.now() >= blockersDeadline;
          const blockers = await onMonitor(context, (monitor) =>
            executor.blockers(monitor, [table], context.ownConnections(), 0),
          );
          if (!giveUp && blockers.length > 0) {
            sink.log(`${label}: sessions that may hold the lock: ${blockers.map(describeBlocker).join('; ')}`);
          }
          if (giveUp && (waitedForBlockers || blockers.length > 0)) {
            const failed = blockersFailure(context, label, blockers, attempts, index, true, error);
            if (invalidNote) failed.failure.message += invalidNote;
            failed.invalidated = invalidated;
            throw failed;
          }
        }
        if (invalidNote) failure = { ...failure, message: `${failure.message}${invalidNote}` };
        if (failure.kind === 'lock_timeout' && attempt < settings.maxRetries) {
          const delay = backoffMs(attempt + 1);
          sink.log(`${label}: ${failure.message}; retry ${attempt + 1}/${settings.maxRetries} in ${delay}ms`);
          await new Promise((resolve) => setTimeout(resolve, delay));
          continue;
        }
        if (failure.kind === 'lock_timeout') {
          failure = {
            ...failure,
            message: `${label}: gave up after ${attempt + 1} attempts, each waiting up to ${formatDuration(
              settings.lockTimeoutMs,
            )} for a lock (${failure.message})`,
            remedy:
              failure.remedy ??
              'another session holds a conflicting lock on the table; retry later or raise --lock-timeout',
          };
        } else failure = { ...failure, message: `${label}: ${failure.message}` };
        const failed = new StatementFailure(failure, attempts, index, error);
        failed.invalidated = invalidated;
        throw failed;
      }
    }
    await onStatement(index + 1, attempts);
  }
  return attempts;
}
