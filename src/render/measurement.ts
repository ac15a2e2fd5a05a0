import type { QueryMeasurement } from '../evidence/types.js';

/** A duration for people: 3 decimals under 10 ms, one above. */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '-';
  return `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
}

/** A speedup for people, e.g. `412.3x`. */
export function formatSpeedup(speedup: number | undefined): string {
  if (speedup === undefined) return '-';
  return `${speedup >= 100 ? speedup.toFixed(0) : speedup.toFixed(2)}x`;
}

/** yes / no / - for an optional flag. */
export function yesNo(value: boolean | undefined): string {
  return value === undefined ? '-' : value ? 'yes' : 'no';
}

/** The access paths of a plan in one line. */
export function planSummary(measurement: QueryMeasurement | undefined): string {
  if (!measurement) return '-';
  return measurement.accessPaths.join('; ') || measurement.topNode;
}

/** The spread of the timed runs, e.g. `min 1.2 ms, max 1.9 ms, 7 runs`. */
export function spread(measurement: QueryMeasurement | undefined): string {
  if (!measurement) return '-';
  return `min ${formatMs(measurement.minMs)}, max ${formatMs(measurement.maxMs)}, ${measurement.runsMs.length} runs`;
}

/** How the times were taken, printed under every table. */
export const timingNote =
  'Times are the server-measured execution times of EXPLAIN ANALYZE (PostgreSQL), ANALYZE FORMAT=JSON (MariaDB) ' +
  'or EXPLAIN ANALYZE (MySQL): the median of the timed runs after one untimed warm-up, planning excluded.';
