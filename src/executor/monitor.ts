import type { Session } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import type { ExecutionSettings, ExecutionSink } from './types.js';

/** A watch over one running statement. */
export interface StatementWatch {
  /** True when the watch cancelled the statement because it waited too long for a table lock. */
  readonly canceledForLock: boolean;
  stop(): Promise<void>;
}

const pollMs = 150;
const blockerReportMs = 10_000;
const quietStartMs = 1_000;

/**
 * Polls, from a second connection, what the statement on connection `ddlId` is doing: reports
 * progress, reports the transactions it waits for, and (where the dialect asks for it) cancels a
 * table-lock wait that outlasts the lock timeout.
 */
export function watchStatement(
  monitor: Session,
  executor: DialectExecutor,
  ddlId: number,
  label: string,
  settings: ExecutionSettings,
  sink: ExecutionSink,
): StatementWatch {
  const started = Date.now();
  const enforce = executor.monitorEnforcesLockTimeout(settings);
  let running = true;
  let canceledForLock = false;
  let tableWaitSince: number | null = null;
  let lastProgress = 0;
  let lastBlockerReport = 0;
  const poll = async () => {
    const wait = await executor.lockWait(monitor, ddlId);
    const now = Date.now();
    if (wait?.kind === 'table') {
      tableWaitSince ??= now;
      if (enforce && now - tableWaitSince >= settings.lockTimeoutMs && !canceledForLock) {
        canceledForLock = await executor.cancelTableLockWait(monitor, ddlId);
      }
    } else tableWaitSince = null;
    if (wait?.kind === 'blockers' && now - lastBlockerReport >= blockerReportMs && now - started >= quietStartMs) {
      lastBlockerReport = now;
      const who = wait.blockers.length > 0 ? wait.blockers.join('; ') : 'older transactions';
      sink.log(`${label}: waiting for transactions to finish (--blockers ${settings.blockers}): ${who}`);
    }
    if (now - started >= quietStartMs && now - lastProgress >= sink.progressIntervalMs) {
      const progress = await executor.progress(monitor, ddlId);
      if (progress) {
        lastProgress = now;
        const percent = progress.percent === undefined ? '' : ` ${progress.percent.toFixed(1)}%`;
        const detail = progress.detail ? ` (${progress.detail})` : '';
        sink.progress(`${label}: ${progress.phase}${percent}${detail}, ${Math.round((now - started) / 1000)}s`);
      }
    }
  };
  const loop = (async () => {
    while (running) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (!running) break;
      await poll().catch(() => {});
    }
  })();
  return {
    get canceledForLock() {
      return canceledForLock;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}
