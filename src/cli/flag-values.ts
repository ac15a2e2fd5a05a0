import { SafeIndexError } from '../errors.js';
import { parseDuration } from '../plan-file/duration.js';
import { formatLimit, limits, maxRunId } from '../plan-file/limits.js';

/** A yargs `coerce` for a duration flag: milliseconds, at most `maxMs`; anything else is a usage error. */
export function durationFlag(flag: string, maxMs: number): (value: string) => number {
  return (value) => {
    let ms: number;
    try {
      ms = parseDuration(value);
    } catch (error) {
      throw new SafeIndexError('usage', `--${flag}: ${(error as Error).message}`);
    }
    if (ms > maxMs) {
      throw new SafeIndexError('usage', `--${flag} ${value} is longer than the most it accepts, ${formatLimit(maxMs)}`);
    }
    return ms;
  };
}

/** A yargs `coerce` for `--run`: a run id, a whole number from 1 up. */
export function runIdFlag(value: unknown): number {
  const text = String(value).trim();
  const id = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(id) || id < 1 || id > maxRunId) {
    throw new SafeIndexError(
      'usage',
      `--run ${JSON.stringify(String(value))} is not a run id: give the whole number that \`safe-index history\` lists (1 to ${maxRunId})`,
    );
  }
  return id;
}

/** A yargs `coerce` for `explain --runs`: a whole number from 1 to the `explain_runs` limit. */
export function runsFlag(value: unknown): number {
  const text = String(value).trim();
  const runs = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > limits.explainRuns) {
    throw new SafeIndexError(
      'usage',
      `--runs ${JSON.stringify(String(value))}: give a whole number of timed runs from 1 to ${limits.explainRuns}`,
    );
  }
  return runs;
}
