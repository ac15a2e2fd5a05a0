import type { Database, Session } from '../connection/database.js';
import type { ExplainDialect, PlanFacts } from '../dialects/explain-types.js';
import { checkVerifySql, verifyRefusals } from '../verify-sql/check.js';
import type { VerifyGrammar } from '../verify-sql/types.js';
import type { MeasuredQuery, MeasureOutcome, QueryMeasurement, VerifyTarget } from './types.js';

/** How verify queries are timed. */
export interface MeasureOptions {
  /** Timed instrumented executions per query (the plan's `explain_runs`). */
  runs: number;
  /** Untimed executions first, to warm caches (default 1). */
  warmups?: number;
  /** Statement timeout of every execution (default 60 s). */
  statementTimeoutMs?: number;
  /** Called after each query is measured (progress lines). */
  onMeasured?(measured: MeasuredQuery): void;
}

/** Default statement timeout of one verify execution. */
const defaultStatementTimeoutMs = 60_000;

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function summarize(runs: PlanFacts[]): QueryMeasurement {
  const times = runs.map((run) => run.executionMs);
  const { executionMs: _last, planningMs: _planning, ...facts } = runs.at(-1)!;
  const planning = runs.flatMap((run) => (run.planningMs === undefined ? [] : [run.planningMs]));
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    runsMs: times,
    ...(planning.length > 0 ? { planningMs: median(planning) } : {}),
    ...facts,
  };
}

/** Runs `work` inside the dialect's read-only transaction with a statement timeout, always rolled back. */
export async function inReadOnlyTransaction<T>(
  session: Session,
  explain: ExplainDialect,
  timeoutMs: number,
  work: () => Promise<T>,
): Promise<T> {
  for (const sql of explain.beginReadOnlySql(timeoutMs)) await session.query(sql);
  try {
    return await work();
  } finally {
    await session.query(explain.rollbackSql);
  }
}

async function measureOne(
  session: Session,
  explain: ExplainDialect,
  statement: string,
  options: MeasureOptions,
): Promise<QueryMeasurement> {
  return inReadOnlyTransaction(session, explain, options.statementTimeoutMs ?? defaultStatementTimeoutMs, async () => {
    for (let i = 0; i < (options.warmups ?? 1); i += 1) await explain.analyze(session, statement);
    const runs: PlanFacts[] = [];
    for (let i = 0; i < Math.max(1, options.runs); i += 1) runs.push(await explain.analyze(session, statement));
    return summarize(runs);
  });
}

/**
 * Times each verify query on a fresh dedicated connection: the query is checked again with the
 * dialect's parser and the target's function check (refused ones never run), then executed under EXPLAIN ANALYZE inside a read-only
 * transaction with a statement timeout that is always rolled back. A failing query yields its error.
 */
export async function measureQueries(
  db: Database,
  explain: ExplainDialect,
  grammar: VerifyGrammar,
  targets: readonly VerifyTarget[],
  options: MeasureOptions,
): Promise<MeasuredQuery[]> {
  const measured: MeasuredQuery[] = [];
  let session: Session | undefined;
  try {
    // the parser check and the target's function check, for every query before any of them runs
    const refusals = await verifyRefusals(
      db,
      targets.map((target) => target.query.sql),
    );
    for (const [i, target] of targets.entries()) {
      const check = await checkVerifySql(target.query.sql, grammar);
      const refusal = refusals[i] ?? (check.ok ? undefined : check.reason);
      let outcome: MeasureOutcome;
      if (!check.ok || refusal !== undefined) outcome = { ok: false, error: `refused: ${refusal}` };
      else {
        session ??= await db.session('explain');
        try {
          outcome = { ok: true, measurement: await measureOne(session, explain, check.statement, options) };
        } catch (error) {
          outcome = { ok: false, error: (error as Error).message };
          // the connection may be unusable after a timeout or a broken transaction: start afresh
          await session.release();
          session = undefined;
        }
      }
      const entry = { target, outcome };
      measured.push(entry);
      options.onMeasured?.(entry);
    }
  } finally {
    await session?.release();
  }
  return measured;
}
