/**
 * The largest value each setting and duration flag accepts. Beyond these a value is a mistake (a unit
 * typed wrong, a digit too many) and would only fail later, half way through a run: the state tables
 * store durations in milliseconds as 32-bit integers, PostgreSQL `lock_timeout`/`statement_timeout`
 * take at most 2^31-1 ms (24.8 days), and a MySQL ALTER waiting for its metadata lock queues every new
 * query on the table behind it for as long as `lock_wait_timeout`.
 */
export const limits = {
  /** `lock_timeout` / `--lock-timeout`: one hour. */
  lockTimeoutMs: 3_600_000,
  /** `snapshot_wait` / `--snapshot-wait`: one day. */
  snapshotWaitMs: 86_400_000,
  /** `max_replica_lag` / `--max-replica-lag`: one day. */
  maxReplicaLagMs: 86_400_000,
  /** `max_retries`. */
  maxRetries: 100,
  /** `explain_runs`: each run executes the verify query. */
  explainRuns: 100,
  /** `max_regression`: 1000 = 100,000 % slower, in effect "never fail on a regression". */
  maxRegression: 1000,
  /** `--wait` (another run's lock), `--duplicate-check-timeout` and `--replica-wait`: one day. */
  waitMs: 86_400_000,
  /** `--max-plan-age` and `usage --window`: one year. */
  ageMs: 365 * 86_400_000,
} as const;

/** A run id as the state tables store it (a 32-bit serial). */
export const maxRunId = 2_147_483_647;

/** A limit as a plan would write it: `1h`, `1d`, `365d`. */
export function formatLimit(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms}ms`;
}
