import type {
  ExplainEntry,
  QueryMeasurement,
  VerifyFailure,
  VerifyJudgement,
  VerifyTarget,
} from '../../evidence/types.js';

/** Milliseconds rounded to microseconds for reports. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** A measurement as reports show it (snake_case keys, SPEC's `median_ms` and `uses_index` first). */
function measurementJson(measurement: QueryMeasurement, index: string) {
  return {
    median_ms: roundMs(measurement.medianMs),
    uses_index: measurement.indexes.includes(index),
    min_ms: roundMs(measurement.minMs),
    max_ms: roundMs(measurement.maxMs),
    runs_ms: measurement.runsMs.map(roundMs),
    ...(measurement.planningMs !== undefined ? { planning_ms: roundMs(measurement.planningMs) } : {}),
    indexes: measurement.indexes,
    top_node: measurement.topNode,
    access_paths: measurement.accessPaths,
    ...(measurement.rowsExamined !== undefined ? { rows_examined: measurement.rowsExamined } : {}),
    ...(measurement.buffers ? { buffers: measurement.buffers } : {}),
  };
}

function targetJson(target: VerifyTarget) {
  return {
    index: target.index,
    query: target.query.sql,
    name: target.query.name,
    table: target.table.name,
    ...(target.query.expect ? { expect: target.query.expect } : {}),
    file: target.query.source.file,
    line: target.query.source.line,
  };
}

function failuresJson(failures: readonly VerifyFailure[]) {
  return failures.map((failure) => ({ kind: failure.kind, message: failure.message }));
}

/** One judged verify query as SPEC's apply JSON shows it, with the extra facts measured. */
export function judgementJson(judgement: VerifyJudgement) {
  const { target } = judgement;
  return {
    ...targetJson(target),
    before: judgement.before ? measurementJson(judgement.before, target.index) : null,
    after: judgement.after ? measurementJson(judgement.after, target.index) : null,
    speedup: judgement.speedup === undefined ? null : Math.round(judgement.speedup * 100) / 100,
    plan_changed: judgement.planChanged,
    passed: judgement.failures.length === 0,
    failures: failuresJson(judgement.failures),
    ...(judgement.beforeError ? { before_error: judgement.beforeError } : {}),
  };
}

/** One query timed now, as the `explain --format json` document shows it. */
export function explainEntryJson(entry: ExplainEntry) {
  return {
    ...targetJson(entry.target),
    measurement: entry.measurement ? measurementJson(entry.measurement, entry.target.index) : null,
    uses_index: entry.usesIndex ?? null,
    passed: entry.failures.length === 0,
    failures: failuresJson(entry.failures),
  };
}
