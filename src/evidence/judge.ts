import { formatMs, planSummary } from '../render/measurement.js';
import type {
  ExplainEntry,
  MeasuredQuery,
  QueryMeasurement,
  VerifyFailure,
  VerifyJudgement,
  VerifyTarget,
} from './types.js';

/** What counts as failing evidence. */
export interface JudgeOptions {
  /** A query slower than before by more than this fraction fails (the plan's `max_regression`). */
  maxRegression: number;
  /**
   * Slowdowns smaller than this many milliseconds are timer noise and never count as a regression
   * (default 1 ms: sub-millisecond queries jitter by more than any sensible fraction).
   */
  noiseFloorMs?: number;
}

/** Default noise floor of the regression gate, ms. */
const defaultNoiseFloorMs = 1;

/** Whether a measured plan reads the named index. */
export function usesIndex(measurement: QueryMeasurement | undefined, index: string): boolean | undefined {
  return measurement ? measurement.indexes.includes(index) : undefined;
}

/**
 * A regression: the median after is slower than the median before by more than `maxRegression`,
 * consistently (even the fastest run after is beyond that limit, so one noisy run cannot decide it),
 * and by more than the noise floor.
 */
function isRegression(before: QueryMeasurement, after: QueryMeasurement, options: JudgeOptions): boolean {
  const limit = before.medianMs * (1 + options.maxRegression);
  const slower = after.medianMs - before.medianMs;
  return after.medianMs > limit && after.minMs > limit && slower > (options.noiseFloorMs ?? defaultNoiseFloorMs);
}

/** Timer resolution the reports use (1 µs): a median of 0 is read as this, so a speedup always exists. */
const timerResolutionMs = 0.001;

/** `before / after` of the medians; undefined when either side was not measured. */
function speedupOf(before?: QueryMeasurement, after?: QueryMeasurement): number | undefined {
  if (!before || !after) return undefined;
  return Math.max(before.medianMs, timerResolutionMs) / Math.max(after.medianMs, timerResolutionMs);
}

/** The unmet `expect: uses_index` of a measured query, if the plan wants the index and the query does not read it. */
function expectUnmet(target: VerifyTarget, measurement: QueryMeasurement): VerifyFailure | undefined {
  if (target.query.expect !== 'uses_index' || target.state !== 'present' || usesIndex(measurement, target.index)) {
    return undefined;
  }
  const used = measurement.indexes;
  const reads = used.length > 0 ? used.map((name) => `"${name}"`).join(', ') : 'no index';
  return { kind: 'expect_unmet', message: `expected the plan to use index "${target.index}", it reads ${reads}` };
}

/** The failures of one query: an unmet `expect: uses_index`, a regression beyond the limit, or an error. */
function failuresOf(
  before: QueryMeasurement | undefined,
  after: MeasuredQuery,
  options: JudgeOptions,
): VerifyFailure[] {
  if (!after.outcome.ok)
    return [{ kind: 'error', message: `after the change the query fails: ${after.outcome.error}` }];
  const failures: VerifyFailure[] = [];
  const afterMeasurement = after.outcome.measurement;
  const unmet = expectUnmet(after.target, afterMeasurement);
  if (unmet) failures.push({ ...unmet, message: `${unmet.message} (${planSummary(afterMeasurement)})` });
  if (before && isRegression(before, afterMeasurement, options)) {
    const afterMs = afterMeasurement.medianMs;
    failures.push({
      kind: 'regression',
      message: `slower than before: median ${formatMs(before.medianMs)} -> ${formatMs(afterMs)} (+${((afterMs / before.medianMs - 1) * 100).toFixed(0)}%, max_regression ${(options.maxRegression * 100).toFixed(0)}%)`,
    });
  }
  return failures;
}

/**
 * Judges each verify query from its measurements before and after the change (same order, same
 * targets): medians, speedup, whether the judged index is used, plan change, and failures.
 */
export function judgeVerify(
  before: readonly MeasuredQuery[],
  after: readonly MeasuredQuery[],
  options: JudgeOptions,
): VerifyJudgement[] {
  return after.map((measuredAfter, i) => {
    const measuredBefore = before[i];
    const target = measuredAfter.target;
    const beforeMeasurement = measuredBefore?.outcome.ok ? measuredBefore.outcome.measurement : undefined;
    const afterMeasurement = measuredAfter.outcome.ok ? measuredAfter.outcome.measurement : undefined;
    const speedup = speedupOf(beforeMeasurement, afterMeasurement);
    return {
      target,
      ...(beforeMeasurement ? { before: beforeMeasurement } : {}),
      ...(afterMeasurement ? { after: afterMeasurement } : {}),
      ...(speedup !== undefined ? { speedup } : {}),
      ...(beforeMeasurement ? { usesIndexBefore: usesIndex(beforeMeasurement, target.index) } : {}),
      ...(afterMeasurement ? { usesIndexAfter: usesIndex(afterMeasurement, target.index) } : {}),
      planChanged:
        !!beforeMeasurement &&
        !!afterMeasurement &&
        beforeMeasurement.accessPaths.join('\n') !== afterMeasurement.accessPaths.join('\n'),
      ...(measuredBefore && !measuredBefore.outcome.ok ? { beforeError: measuredBefore.outcome.error } : {}),
      failures: failuresOf(beforeMeasurement, measuredAfter, options),
    };
  });
}

/** Judges queries timed once, now (the `explain` command): only `expect: uses_index` and errors can fail. */
export function judgeNow(measured: readonly MeasuredQuery[]): ExplainEntry[] {
  return measured.map(({ target, outcome }) => {
    if (!outcome.ok) return { target, failures: [{ kind: 'error', message: outcome.error }] };
    const unmet = expectUnmet(target, outcome.measurement);
    return {
      target,
      measurement: outcome.measurement,
      usesIndex: usesIndex(outcome.measurement, target.index),
      failures: unmet ? [unmet] : [],
    };
  });
}
