import type { Database, Session } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import type { StatementContext } from './statements.js';
import type { ExecutionSettings, ExecutionSink } from './types.js';

/** The DDL and monitor connections of a run, ready for statements. */
export interface ExecutionConnections extends StatementContext {
  /** Names the connections after the run (`safe-index run 7 ddl`, `... monitor`). */
  identify(runId: number): Promise<void>;
  close(): Promise<void>;
}

/** Opens the dedicated DDL connection (with its session settings) and the monitor connection. */
export async function openExecution(
  db: Database,
  executor: DialectExecutor,
  settings: ExecutionSettings,
  sink: ExecutionSink,
): Promise<ExecutionConnections> {
  const sessions: Session[] = [];
  try {
    const ddl = await db.session('ddl');
    sessions.push(ddl);
    for (const sql of executor.ddlSessionSql(settings)) await ddl.query(sql);
    const monitor = await db.session('monitor');
    sessions.push(monitor);
    return {
      executor,
      ddl,
      monitor,
      settings,
      sink,
      identify: async (runId) => {
        await ddl.identify(`run ${runId} ddl`);
        await monitor.identify(`run ${runId} monitor`);
      },
      close: async () => {
        for (const session of sessions) await session.release();
      },
    };
  } catch (error) {
    for (const session of sessions) await session.release();
    throw error;
  }
}
