import type { PlanFacts } from '../dialects/explain-types.js';
import type { TableRef } from '../model/schema.js';
import type { VerifyQuery } from '../plan-file/types.js';

/** A verify query together with the index it judges. */
export interface VerifyTarget {
  /** The index named by the plan entry that owns the query. */
  index: string;
  table: TableRef;
  /** Whether the plan wants the index to exist (`expect: uses_index` only applies when present). */
  state: 'present' | 'absent' | 'disabled';
  query: VerifyQuery;
}

/**
 * Timings and plan facts of one query, measured with `runs` instrumented executions after a warm-up:
 * the plan facts are the last run's, the times summarize every run.
 */
export interface QueryMeasurement extends Omit<PlanFacts, 'executionMs' | 'planningMs'> {
  /** Median of the server-measured execution times, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Every timed run, ms, in the order they ran. */
  runsMs: number[];
  /** Median planning time where the server reports it, ms. */
  planningMs?: number;
}

/** The outcome of measuring one verify query: a measurement, or the error the server raised. */
export type MeasureOutcome = { ok: true; measurement: QueryMeasurement } | { ok: false; error: string };

/** How one verify query was measured at one moment. */
export interface MeasuredQuery {
  target: VerifyTarget;
  outcome: MeasureOutcome;
}

/** Why a verify judgement failed. */
export type VerifyFailure =
  | { kind: 'expect_unmet'; message: string }
  | { kind: 'regression'; message: string }
  | { kind: 'error'; message: string };

/** One verify query judged: before and after, the speedup, whether it uses the judged index. */
export interface VerifyJudgement {
  target: VerifyTarget;
  before?: QueryMeasurement;
  after?: QueryMeasurement;
  /** `before.median / after.median`; undefined when either side is missing or zero. */
  speedup?: number;
  usesIndexBefore?: boolean;
  usesIndexAfter?: boolean;
  /** The access paths differ between before and after. */
  planChanged: boolean;
  /** Why the query could not be measured before the change. */
  beforeError?: string;
  failures: VerifyFailure[];
}

/** One verify query timed now (the `explain` command), with its expectation checked. */
export interface ExplainEntry {
  target: VerifyTarget;
  measurement?: QueryMeasurement;
  usesIndex?: boolean;
  failures: VerifyFailure[];
}
