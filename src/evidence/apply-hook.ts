import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import type { ErrorCode } from '../errors.js';
import type { ExecutionStep, RunProblem, VerifyEntry, VerifyHook } from '../executor/types.js';
import type { IndexPlan } from '../plan-file/types.js';
import { judgementJson } from '../render/json/evidence.js';
import { judgeVerify } from './judge.js';
import { type MeasureOptions, measureQueries } from './measure.js';
import { tablesOf, targetsOfChanges } from './targets.js';
import type { MeasuredQuery, VerifyFailure, VerifyJudgement, VerifyTarget } from './types.js';

/** Settings of the before/after evidence of one apply. */
export interface EvidenceOptions {
  explainRuns: number;
  maxRegression: number;
  noiseFloorMs?: number;
  statementTimeoutMs?: number;
  /** Progress lines (stderr in the CLI). */
  log?(line: string): void;
}

/** The apply engine's verify hook, plus the full judgements once `after` ran (for reports). */
export interface EvidenceHook extends VerifyHook {
  /** Every judged verify query of the run (empty before `after`). */
  judgements(): VerifyJudgement[];
}

const failureCodes: Record<VerifyFailure['kind'], ErrorCode> = {
  expect_unmet: 'verify_expect_unmet',
  regression: 'verify_regression',
  error: 'verify_error',
};

/** Problems that fail the run: one per failed judgement. */
export function judgementProblems(judgements: readonly VerifyJudgement[]): RunProblem[] {
  return judgements.flatMap((judgement) =>
    judgement.failures.map((failure) => ({
      code: failureCodes[failure.kind],
      message: `verify query "${judgement.target.query.name}" (index "${judgement.target.index}"): ${failure.message}`,
      index: judgement.target.index,
      table: judgement.target.table.name,
    })),
  );
}

/** SPEC's `verify` entries: every query measured both before and after (others are in the report files). */
export function verifyEntries(judgements: readonly VerifyJudgement[]): VerifyEntry[] {
  return judgements.flatMap((judgement) => {
    const json = judgementJson(judgement);
    if (!json.before || !json.after || json.speedup === null) return [];
    return [{ ...json, before: json.before, after: json.after, speedup: json.speedup }];
  });
}

/**
 * Builds the hook `executeApply` calls around the DDL: `before` times the verify queries of the
 * changed indexes; `after` refreshes statistics, times them again on a fresh connection (so a
 * concurrently built index is visible) and judges them; each failed judgement is a problem that
 * fails the run (and makes the engine undo it unless told not to).
 */
export function createEvidenceHook(db: Database, plan: IndexPlan, options: EvidenceOptions): EvidenceHook {
  const explain = dialectOf(db).explain;
  const grammar = db.server.flavor;
  let targets: VerifyTarget[] = [];
  let before: MeasuredQuery[] = [];
  let judged: VerifyJudgement[] = [];
  const measureOptions = (phase: string): MeasureOptions => ({
    runs: options.explainRuns,
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
    onMeasured: ({ target, outcome }) =>
      options.log?.(
        `verify ${phase}: ${target.query.name}: ${outcome.ok ? `median ${outcome.measurement.medianMs.toFixed(3)} ms` : outcome.error}`,
      ),
  });
  return {
    async before(steps: readonly ExecutionStep[]) {
      targets = targetsOfChanges(plan, db.server, steps);
      before = await measureQueries(db, explain, grammar, targets, measureOptions('before'));
    },
    async after() {
      if (targets.length === 0) return { entries: [], problems: [] };
      for (const table of tablesOf(targets)) {
        try {
          await db.query(explain.refreshStatisticsSql(table));
        } catch (error) {
          options.log?.(`verify: could not refresh statistics of ${table.name}: ${(error as Error).message}`);
        }
      }
      const after = await measureQueries(db, explain, grammar, targets, measureOptions('after'));
      judged = judgeVerify(before, after, {
        maxRegression: options.maxRegression,
        ...(options.noiseFloorMs !== undefined ? { noiseFloorMs: options.noiseFloorMs } : {}),
      });
      return { entries: verifyEntries(judged), problems: judgementProblems(judged) };
    },
    judgements: () => judged,
  };
}
