import { SafeIndexError } from '../errors.js';

/** Parses a duration written `500ms`, `5s`, `2m`, `7d` (or a bare number of milliseconds) into milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0)
      throw new SafeIndexError('invalid_duration', `invalid duration: ${value}`);
    return value;
  }
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match)
    throw new SafeIndexError('invalid_duration', `invalid duration "${value}" (write e.g. 500ms, 5s, 2m, 7d)`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit] ?? 1;
  return Math.round(amount * factor);
}

/** Formats milliseconds the way durations are written in plans: `500ms`, `5s`, `2m`. */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0 && ms > 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}
