import type { Database, Session } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import { ConcurrentRunError } from '../errors.js';
import { formatDuration } from '../plan-file/duration.js';
import { stateTablesExist } from '../state/migrate.js';
import { runningRuns } from '../state/runs.js';

/** The tool's run lock, held on its own connection (never inside a transaction) for a whole run. */
export interface RunLock {
  /** Server id of the connection that holds the lock (recorded so crashes can be detected). */
  readonly connectionId: number;
  /** Names the holding connection after the run (`safe-index run 7 lock`). */
  identify(runId: number): Promise<void>;
  /** Whether the lock is still held (false once its connection ended). */
  stillHeld(): Promise<boolean>;
  release(): Promise<void>;
}

const pollMs = 200;

/** The session that holds the run lock: callers that will take it pass this to `withDatabase` to open it early. */
export const runLockSession = { label: 'run lock', catalogReads: true } as const;

/** Who holds the lock, from the server and the state tables, as a sentence. */
async function describeHolder(db: Database, executor: DialectExecutor): Promise<string> {
  const holder = await executor.runLockHolder(db).catch(() => null);
  const runs = (await stateTablesExist(db).catch(() => false)) ? await runningRuns(db) : [];
  const run = runs.find((candidate) => candidate.lockConnectionId === holder) ?? runs[0];
  const connection = holder === null ? '' : ` (connection ${holder})`;
  if (!run) return `another safe-index run holds the lock${connection}`;
  return `run ${run.id} by ${run.clientUser}@${run.clientHost}, started ${run.startedAt.toISOString()}, holds the lock${connection}`;
}

/**
 * Takes the run lock, waiting up to `waitMs` for another run to finish; fails naming the holder.
 * `onWait` is told once when the lock is busy.
 */
export async function acquireRunLock(
  db: Database,
  executor: DialectExecutor,
  waitMs: number,
  onWait?: (holder: string) => void,
): Promise<RunLock> {
  const session: Session = await db.session(runLockSession.label, { catalogReads: runLockSession.catalogReads });
  try {
    const deadline = Date.now() + waitMs;
    let told = false;
    while (!(await executor.tryRunLock(session))) {
      if (Date.now() >= deadline) {
        const holder = await describeHolder(db, executor);
        throw new ConcurrentRunError(
          `${holder}; gave up after waiting ${formatDuration(waitMs)} (--wait): try again when it has finished`,
        );
      }
      if (!told && onWait) onWait(await describeHolder(db, executor));
      told = true;
      await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
    }
  } catch (error) {
    await session.release();
    throw error;
  }
  return {
    connectionId: session.id,
    identify: (runId) => session.identify(`run ${runId} lock`),
    stillHeld: () => executor.holdsRunLock(session),
    release: async () => {
      await executor.releaseRunLock(session).catch(() => {});
      await session.release();
    },
  };
}
