import type { Database } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import type { RunLock } from './run-lock.js';
import type { StatementContext } from './statements.js';
import type { ExecutionSettings, ExecutionSink } from './types.js';

/** The DDL and monitor connections of a run, ready for statements. */
export interface ExecutionConnections extends StatementContext {
  /** Names the connections after the run (`safe-index run 7 ddl`, `... monitor`). */
  identify(runId: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the dedicated DDL connection (with its session settings) and the monitor connection. Either
 * can be replaced when it dies; `lock` (when given) is the run lock whose loss stops the run.
 */
export async function openExecution(
  db: Database,
  executor: DialectExecutor,
  settings: ExecutionSettings,
  sink: ExecutionSink,
  lock?: RunLock,
): Promise<ExecutionConnections> {
  let runLabel = '';
  const openDdl = async () => {
    const session = await db.session(`${runLabel}ddl`);
    try {
      for (const sql of executor.ddlSessionSql(settings)) await session.query(sql);
    } catch (error) {
      await session.release();
      throw error;
    }
    return session;
  };
  // both at once: each open is a connect, an authentication and the session's settings, one after another
  const [opened, openedMonitor] = await Promise.allSettled([
    openDdl(),
    db.session(`${runLabel}monitor`, { catalogReads: true }),
  ]);
  if (opened.status === 'rejected' || openedMonitor.status === 'rejected') {
    if (opened.status === 'fulfilled') await opened.value.release();
    if (openedMonitor.status === 'fulfilled') await openedMonitor.value.release();
    throw opened.status === 'rejected' ? opened.reason : (openedMonitor as PromiseRejectedResult).reason;
  }
  let ddl = opened.value;
  let monitor = openedMonitor.value;
  return {
    executor,
    get ddl() {
      return ddl;
    },
    get monitor() {
      return monitor;
    },
    lookups: db,
    settings,
    sink,
    ownConnections: () => [ddl.id, monitor.id, ...(lock ? [lock.connectionId] : [])],
    runLockHeld: async () => (lock ? lock.stillHeld() : true),
    reconnectMonitor: async () => {
      const fresh = await db.session(`${runLabel}monitor`, { catalogReads: true });
      const old = monitor;
      monitor = fresh;
      await old.release();
    },
    ensureDdl: async () => {
      try {
        await ddl.query('select 1');
        return;
      } catch (error) {
        sink.log(`the DDL connection is gone (${(error as Error).message}); opening a new one`);
      }
      const old = ddl;
      ddl = await openDdl();
      await old.release();
    },
    abandonDdl: () => ddl.release(),
    identify: async (runId) => {
      runLabel = `run ${runId} `;
      await Promise.all([ddl.identify(`${runLabel}ddl`), monitor.identify(`${runLabel}monitor`)]);
    },
    close: async () => {
      await Promise.all([ddl.release(), monitor.release()]);
    },
  };
}
