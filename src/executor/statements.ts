import type { Session } from '../connection/database.js';
import type { ClassifiedFailure, DialectExecutor } from '../dialects/executor-types.js';
import type { TableRef } from '../model/schema.js';
import { formatDuration } from '../plan-file/duration.js';
import { watchStatement } from './monitor.js';
import type { ExecutionSettings, ExecutionSink } from './types.js';

/** The connections and settings statements run with. */
export interface StatementContext {
  executor: DialectExecutor;
  /** Dedicated DDL connection, outside any transaction, with the DDL session settings applied. */
  ddl: Session;
  /** Second connection for progress and lock-wait polling. */
  monitor: Session;
  settings: ExecutionSettings;
  sink: ExecutionSink;
}

/** A statement that failed for good (after its retries), classified. */
export class StatementFailure extends Error {
  readonly failure: ClassifiedFailure;
  readonly attempts: number;
  readonly statementIndex: number;
  constructor(failure: ClassifiedFailure, attempts: number, statementIndex: number, cause: unknown) {
    super(failure.remedy ? `${failure.message}. ${failure.remedy}` : failure.message, { cause });
    this.failure = failure;
    this.attempts = attempts;
    this.statementIndex = statementIndex;
  }
}

/** Delay before retry `attempt` (1-based): exponential from 250 ms, capped at 10 s, with ±50% jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(10_000, 250 * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/** Drops INVALID indexes that appeared on the table during a failed statement; returns what it could not drop. */
async function dropNewInvalidIndexes(
  context: StatementContext,
  table: TableRef,
  before: readonly string[],
): Promise<string[]> {
  const { executor, ddl, settings } = context;
  const left = async () => {
    const names = await executor.invalidIndexes(context.monitor, table);
    return names.filter((name) => !before.includes(name));
  };
  let names = await left();
  if (names.length === 0) return [];
  // the cleanup always runs bounded by the lock timeout, whatever the blockers policy
  for (const sql of executor.ddlSessionSql({ ...settings, blockers: 'abort' })) await ddl.query(sql);
  for (let attempt = 0; attempt < 5 && names.length > 0; attempt += 1) {
    await executor.dropInvalidIndexes(ddl, table, names).catch(() => {});
    names = await left();
  }
  for (const sql of executor.ddlSessionSql(settings)) await ddl.query(sql);
  return names;
}

/**
 * Runs the given statements of one step in order, each with the lock timeout; a lock timeout is
 * retried with backoff up to `maxRetries`, and a failed statement leaves no INVALID index behind.
 * `onStatement` is told after each statement that succeeded.
 */
export async function runStatements(
  context: StatementContext,
  statements: readonly string[],
  table: TableRef,
  label: string,
  onStatement: (done: number, attempts: number) => Promise<void>,
): Promise<number> {
  const { executor, ddl, monitor, settings, sink } = context;
  let attempts = 0;
  for (const [index, sql] of statements.entries()) {
    for (let attempt = 0; ; attempt += 1) {
      attempts += 1;
      const invalidBefore = await executor.invalidIndexes(monitor, table);
      const watch = watchStatement(monitor, executor, ddl.id, label, settings, sink);
      try {
        await ddl.query(sql);
        await watch.stop();
        break;
      } catch (error) {
        await watch.stop();
        let failure = executor.classify(error);
        if (failure.kind === 'canceled' && watch.canceledForLock) {
          failure = {
            kind: 'lock_timeout',
            message: `waited more than ${formatDuration(settings.lockTimeoutMs)} for a lock on ${table.name}`,
          };
        }
        const leftBehind = await dropNewInvalidIndexes(context, table, invalidBefore);
        if (leftBehind.length > 0) {
          failure = { ...failure, message: `${failure.message}; INVALID index left behind: ${leftBehind.join(', ')}` };
        }
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
        throw new StatementFailure(failure, attempts, index, error);
      }
    }
    await onStatement(index + 1, attempts);
  }
  return attempts;
}
