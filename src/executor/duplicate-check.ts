import type { Database } from '../connection/database.js';
import { describeDuplicateKey } from '../dialects/duplicate-query.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import { dialectOf } from '../dialects/index.js';
import { inReadOnlyTransaction } from '../evidence/measure.js';
import { formatDuration } from '../plan-file/duration.js';
import { StatementFailure } from './statements.js';
import type { ExecutionStep } from './types.js';

/**
 * Before a unique build: one bounded read-only query for keys the index would reject. Throws a
 * `StatementFailure` (nothing was sent yet) naming up to five duplicated keys, or saying that the
 * check timed out; returns quietly when the data is unique or the step needs no check.
 */
export async function checkDuplicateKeys(
  db: Database,
  executor: DialectExecutor,
  step: ExecutionStep,
  timeoutMs: number,
  label: string,
  sessionLabel: string,
): Promise<void> {
  const check = step.duplicateCheck;
  if (!check) return;
  const session = await db.session(sessionLabel);
  try {
    const rows = await inReadOnlyTransaction(session, dialectOf(db).explain, timeoutMs, () => session.query(check.sql));
    if (rows.length === 0) return;
    const keys = rows.map((row) => describeDuplicateKey(check.keys, row));
    throw new StatementFailure(
      {
        kind: 'duplicate_key',
        message: `${label}: rows share a key the unique index would reject: ${keys.join(', ')} (rows per key); nothing was built`,
        remedy: 'remove the duplicate rows or drop `unique` (--no-duplicate-check skips this check)',
      },
      0,
      0,
      undefined,
    );
  } catch (error) {
    if (error instanceof StatementFailure) throw error;
    const failure = executor.classify(error);
    // the check query itself failed: the server's error, classified, names the step
    if (failure.kind !== 'canceled')
      throw new StatementFailure({ ...failure, message: `${label}: ${failure.message}` }, 0, 0, error);
    throw new StatementFailure(
      {
        kind: 'duplicate_check_timeout',
        message: `${label}: the duplicate-key check did not finish within ${formatDuration(timeoutMs)} (--duplicate-check-timeout); nothing was built`,
        remedy: 'raise --duplicate-check-timeout, or give --no-duplicate-check to let the build itself find duplicates',
      },
      0,
      0,
      error,
    );
  } finally {
    await session.release();
  }
}
