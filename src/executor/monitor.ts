import type { DialectExecutor, LockWait } from '../dialects/executor-types.js';
import { formatDuration } from '../plan-file/duration.js';
import { startPollLoop } from './poll-loop.js';
import type { StatementContext } from './statements.js';

/** Why the watch cancelled the statement it watched. */
export type WatchCancel =
  /** it waited longer than the lock timeout for a lock on the table (`--blockers wait`) */
  | 'lock'
  /** it waited for other transactions until the step's blockers deadline */
  | 'blockers'
  /** the run lock is no longer held: nothing may go on */
  | 'run_lock_lost'
  /** the monitor connection died and no new one could be opened while waits needed bounding */
  | 'monitor_lost';

/** A watch over one running statement. */
export interface StatementWatch {
  /** Why the watch cancelled the statement, if it did. */
  readonly canceled: WatchCancel | null;
  /** What the statement was last seen waiting for (null: not waiting, or never seen). */
  readonly lastWait: LockWait | null;
  stop(): Promise<void>;
}

const pollMs = 150;
const blockerReportMs = 10_000;
const quietStartMs = 1_000;
/** How often the watch checks that the run lock is still held while a statement runs. */
const lockCheckMs = 1_000;

/** When the statement's waits end: the step's deadline for waits on other transactions. */
export interface WatchBounds {
  /** Epoch ms at which a wait for other transactions is cancelled. */
  blockersDeadline: number;
}

/**
 * Polls, from the monitor connection, what the statement on the DDL connection is doing: reports
 * progress and the transactions it waits for, cancels a table-lock wait that outlasts the lock timeout
 * (where the dialect asks for it) and a wait for other transactions that reaches the step's deadline,
 * and cancels the statement when the run lock is lost. A failing monitor connection is replaced; if
 * none can be opened while the monitor is what bounds the waits, the DDL connection is closed so the
 * server ends the statement.
 */
export function watchStatement(context: StatementContext, label: string, bounds: WatchBounds): StatementWatch {
  const { executor, settings, sink } = context;
  const ddlId = context.ddl.id;
  const started = Date.now();
  const enforce = executor.monitorEnforcesLockTimeout(settings);
  let canceled: WatchCancel | null = null;
  let lastWait: LockWait | null = null;
  let tableWaitSince: number | null = null;
  let lastProgress = 0;
  let lastBlockerReport = 0;
  let lastLockCheck = started;
  let monitorDownSince: number | null = null;
  const cancel = async (why: WatchCancel) => {
    if (!canceled && (await executor.cancelStatement(context.monitor, ddlId))) canceled = why;
  };
  const poll = async () => {
    const now = Date.now();
    if (now - lastLockCheck >= lockCheckMs) {
      lastLockCheck = now;
      if (!(await context.runLockHeld())) {
        sink.log(`${label}: the run lock is no longer held; cancelling the statement`);
        await cancel('run_lock_lost');
        return;
      }
    }
    const wait = await executor.lockWait(context.monitor, ddlId);
    if (wait) lastWait = wait;
    else if (lastWait?.kind === 'table') lastWait = null;
    if (wait?.kind === 'table') {
      tableWaitSince ??= now;
      if (enforce && now - tableWaitSince >= settings.lockTimeoutMs && !canceled) {
        if (await executor.cancelTableLockWait(context.monitor, ddlId)) canceled = 'lock';
      }
    } else tableWaitSince = null;
    if (wait?.kind === 'blockers') {
      if (now >= bounds.blockersDeadline) await cancel('blockers');
      else if (now - lastBlockerReport >= blockerReportMs && now - started >= quietStartMs) {
        lastBlockerReport = now;
        const who = wait.blockers.length > 0 ? wait.blockers.join('; ') : 'older transactions';
        const left = formatDuration(Math.max(0, bounds.blockersDeadline - now));
        sink.log(
          `${label}: waiting for transactions to finish (--blockers ${settings.blockers}, ${left} left): ${who}`,
        );
      }
    }
    if (now - started >= quietStartMs && now - lastProgress >= sink.progressIntervalMs) {
      const progress = await executor.progress(context.monitor, ddlId);
      if (progress) {
        lastProgress = now;
        const percent = progress.percent === undefined ? '' : ` ${progress.percent.toFixed(1)}%`;
        const detail = progress.detail ? ` (${progress.detail})` : '';
        sink.progress(`${label}: ${progress.phase}${percent}${detail}, ${Math.round((now - started) / 1000)}s`);
      }
    }
  };
  /** The monitor failed: replace it; give up on the statement if waits cannot be bounded without it. */
  const recover = async (error: unknown) => {
    const now = Date.now();
    const downSince = monitorDownSince ?? now;
    if (monitorDownSince === null) {
      monitorDownSince = now;
      sink.log(`${label}: the monitor connection failed (${(error as Error).message}); opening a new one`);
    }
    try {
      await context.reconnectMonitor();
      sink.log(`${label}: monitor connection reopened`);
      monitorDownSince = null;
    } catch (reconnectError) {
      if (needsMonitor(executor, context) && now - downSince >= settings.lockTimeoutMs && !canceled) {
        canceled = 'monitor_lost';
        sink.log(
          `${label}: no monitor connection for ${formatDuration(now - downSince)} (${(reconnectError as Error).message}); closing the DDL connection so the server ends the statement`,
        );
        await context.abandonDdl();
      }
    }
  };
  // stopped as soon as the statement returns: the step goes on without waiting out the poll interval
  const loop = startPollLoop(pollMs, () => poll().catch(recover));
  return {
    get canceled() {
      return canceled;
    },
    get lastWait() {
      return lastWait;
    },
    stop: () => loop.stop(),
  };
}

/** True when the monitor is what bounds the statement's waits (else the server's own timeouts do). */
function needsMonitor(executor: DialectExecutor, context: StatementContext): boolean {
  return executor.monitorEnforcesLockTimeout(context.settings);
}
