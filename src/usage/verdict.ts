import type { CounterPoint, SourceJudgement, UsageVerdict } from './types.js';

/** What judging one index on one source needs. */
export interface JudgeInput {
  /** Stored snapshots of this index on this source, oldest first, followed by the reading just taken. */
  points: CounterPoint[];
  windowMs: number;
  /** The server records the last scan of each index (PostgreSQL 16+), so one reading can be enough. */
  tracksLastScan: boolean;
  /**
   * The counters are known to cover everything since `max(statsReset, serverStart)` (PostgreSQL). False where
   * they may have started later (MariaDB counts only while userstat=1, MySQL's table can be truncated).
   */
  countersStartKnown: boolean;
  /** Why this source's counters cannot be read, if they cannot. */
  unavailable: string | null;
}

const iso = (date: Date) => date.toISOString();

function latest(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** Since when the counters of a reading run: the later of the statistics reset and the server start. */
export function countersSince(point: CounterPoint): Date | null {
  return latest(point.statsReset, point.serverStart);
}

/** The reset between two readings, if any: when it happened (null: unknown) and a sentence. */
function resetBetween(a: CounterPoint, b: CounterPoint): { at: Date | null; text: string } | null {
  const window = `between ${iso(a.at)} and ${iso(b.at)}`;
  if (b.statsReset && (!a.statsReset || b.statsReset > a.statsReset)) {
    return { at: b.statsReset, text: `statistics were reset at ${iso(b.statsReset)} (${window})` };
  }
  if (b.serverStart && a.serverStart && b.serverStart.getTime() - a.serverStart.getTime() > 2_000) {
    return { at: b.serverStart, text: `the server restarted at ${iso(b.serverStart)} (${window})` };
  }
  if (b.scans < a.scans) {
    return { at: null, text: `the counters went back from ${a.scans} to ${b.scans} ${window} (statistics reset)` };
  }
  return null;
}

function judged(verdict: UsageVerdict, windowScans: number | null, reason: string, resets: string[]): SourceJudgement {
  return { verdict, windowScans, reason, resets };
}

/**
 * Judges one index on one source from its readings: `used` when it was scanned within the window (a
 * positive delta between readings, counters that started within the window and are not zero, or a last
 * scan inside it), `unused` when readings without gaps cover the whole window with no scan (or, where the
 * server keeps the last scan, one reading whose counters cover the window), `unknown` otherwise. A
 * statistics reset or restart between two readings is detected and reported; the scans after it count,
 * and the time before it is a gap.
 */
export function judgeSource(input: JudgeInput): SourceJudgement {
  if (input.unavailable) return judged('unknown', null, input.unavailable, []);
  const points = input.points;
  const current = points.at(-1);
  if (!current) return judged('unknown', null, 'no reading', []);
  const windowStart = new Date(current.at.getTime() - input.windowMs);
  const resets: string[] = [];
  if (current.lastScan && current.lastScan >= windowStart) {
    return judged('used', null, `last scanned at ${iso(current.lastScan)}`, resets);
  }
  let windowScans = 0;
  let coveredFrom = current.at;
  let chainComplete = true;
  for (let i = points.length - 1; i > 0 && coveredFrom > windowStart; i -= 1) {
    const [a, b] = [points[i - 1]!, points[i]!];
    const reset = resetBetween(a, b);
    if (reset) {
      resets.push(reset.text);
      windowScans += b.scans;
      if (reset.at && reset.at < coveredFrom) coveredFrom = reset.at;
      chainComplete = false;
      break;
    }
    windowScans += b.scans - a.scans;
    coveredFrom = a.at;
  }
  const first = points[0]!;
  const firstSince = countersSince(first);
  if (chainComplete && firstSince && firstSince >= windowStart && first.scans > 0 && coveredFrom <= first.at) {
    // every count of the oldest reading was made after its counters started, inside the window
    windowScans += first.scans;
  }
  if (windowScans > 0) {
    const readings = points.length === 1 ? 'since its counters started' : 'between the readings';
    return judged('used', windowScans, `${windowScans} counted within the window (${readings})`, resets);
  }
  if (coveredFrom <= windowStart) {
    return judged('unused', 0, `no scan over the window (readings from ${iso(coveredFrom)})`, resets);
  }
  const since = countersSince(current);
  const countersCoverWindow = input.countersStartKnown && since !== null && since <= windowStart;
  if (chainComplete && countersCoverWindow && (input.tracksLastScan || points.length === 1) && current.scans === 0) {
    return judged('unused', 0, `no scan since the counters started at ${iso(since)}`, resets);
  }
  if (chainComplete && countersCoverWindow && input.tracksLastScan) {
    const last = current.lastScan ? `last scanned at ${iso(current.lastScan)}` : 'never scanned';
    return judged('unused', 0, `${last}, before the window (counters since ${iso(since)})`, resets);
  }
  const covered = Math.max(0, current.at.getTime() - coveredFrom.getTime());
  const gap = resets.length > 0 ? ' after the reset' : '';
  return judged(
    'unknown',
    null,
    points.length === 1
      ? 'no usage history yet: record snapshots with `safe-index usage --record` (daily) for at least the window'
      : `usage history${gap} covers ${formatDuration(covered)} of the ${formatDuration(input.windowMs)} window`,
    resets,
  );
}

/** `7d`, `3h`, `12m`, `40s`. */
export function formatDuration(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  for (const [unit, size] of units) if (ms >= size) return `${Math.floor(ms / size)}${unit}`;
  return `${Math.round(ms)}ms`;
}

/** The verdict over every source: used if any says used, unused if all say unused, else unknown. */
export function combineVerdicts(verdicts: readonly UsageVerdict[]): UsageVerdict {
  if (verdicts.includes('used')) return 'used';
  if (verdicts.length > 0 && verdicts.every((verdict) => verdict === 'unused')) return 'unused';
  return 'unknown';
}
