import { describe, expect, it } from 'vitest';
import type { CounterPoint } from '../../../src/usage/types.js';
import { combineVerdicts, judgeSource } from '../../../src/usage/verdict.js';

const day = 86_400_000;
const t0 = new Date('2026-12-01T00:00:00Z').getTime();
const start = new Date(t0 - 30 * day);
const point = (days: number, scans: number, extra: Partial<CounterPoint> = {}): CounterPoint => ({
  at: new Date(t0 + days * day),
  scans,
  lastScan: null,
  serverStart: start,
  statsReset: null,
  ...extra,
});
const judge = (points: CounterPoint[], extra: { tracksLastScan?: boolean; countersStartKnown?: boolean } = {}) =>
  judgeSource({
    points,
    windowMs: 7 * day,
    tracksLastScan: extra.tracksLastScan ?? false,
    countersStartKnown: extra.countersStartKnown ?? false,
    unavailable: null,
  });

describe('judgeSource', () => {
  it('used: a positive delta between snapshots within the window', () => {
    expect(judge([point(0, 10), point(5, 10), point(8, 12)])).toMatchObject({ verdict: 'used', windowScans: 2 });
  });
  it('unused: readings without a scan cover the whole window', () => {
    expect(judge([point(0, 10), point(5, 10), point(8, 10)])).toMatchObject({ verdict: 'unused', windowScans: 0 });
  });
  it('unknown: history shorter than the window', () => {
    const judged = judge([point(5, 10), point(8, 10)]);
    expect(judged.verdict).toBe('unknown');
    expect(judged.reason).toMatch(/covers 3d of the 7d window/);
  });
  it('unknown with no history, unless the counters are known to cover the window (PostgreSQL)', () => {
    expect(judge([point(8, 0)]).verdict).toBe('unknown');
    expect(judge([point(8, 0)], { countersStartKnown: true }).verdict).toBe('unused');
  });
  it('used from one reading whose counters started inside the window', () => {
    expect(judge([point(8, 3, { serverStart: new Date(t0 + 6 * day) })]).verdict).toBe('used');
  });
  it('PostgreSQL 16+: the last scan decides from one reading', () => {
    expect(judge([point(8, 9, { lastScan: new Date(t0 + 7 * day) })], { tracksLastScan: true }).verdict).toBe('used');
    const old = point(8, 9, { lastScan: new Date(t0 - 3 * day) });
    expect(judge([old], { tracksLastScan: true, countersStartKnown: true }).verdict).toBe('unused');
  });
  it('a statistics reset is reported; scans after it count, the time before it is a gap', () => {
    const reset = new Date(t0 + 6 * day);
    const judged = judge([point(0, 10), point(5, 10), point(8, 0, { statsReset: reset })]);
    expect(judged.verdict).toBe('unknown');
    expect(judged.resets).toEqual([expect.stringMatching(/statistics were reset at 2026-12-07/)]);
    expect(judge([point(0, 10), point(8, 4, { statsReset: reset })]).verdict).toBe('used');
  });
  it('a restart and counters that went back are resets too', () => {
    const restarted = judge([point(0, 10), point(8, 1, { serverStart: new Date(t0 + 7 * day) })]);
    expect(restarted).toMatchObject({ verdict: 'used', resets: [expect.stringMatching(/server restarted/)] });
    const flushed = judge([point(0, 10), point(8, 0)]);
    expect(flushed).toMatchObject({ verdict: 'unknown', resets: [expect.stringMatching(/went back from 10 to 0/)] });
  });
  it('unavailable statistics are unknown with the reason', () => {
    const judged = judgeSource({
      points: [],
      windowMs: day,
      tracksLastScan: false,
      countersStartKnown: false,
      unavailable: 'userstat=0',
    });
    expect(judged).toMatchObject({ verdict: 'unknown', reason: 'userstat=0' });
  });
});

describe('combineVerdicts', () => {
  it.each([
    [['used', 'unknown'], 'used'],
    [['unused', 'unused'], 'unused'],
    [['unused', 'unknown'], 'unknown'],
    [[], 'unknown'],
  ] as const)('%j → %s', (verdicts, expected) => {
    expect(combineVerdicts(verdicts)).toBe(expected);
  });
});
