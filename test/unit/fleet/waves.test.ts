import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { FleetTarget } from '../../../src/fleet/file.js';
import { type FleetOutcome, runWaves } from '../../../src/fleet/waves.js';

const target = (name: string): FleetTarget => ({
  name,
  url: `postgres://h/${name}`,
  display: `postgres://h/${name}`,
  replicas: [],
  source: { file: 'f.yml', line: 1, column: 1 },
});
const waves = (...names: string[][]) => names.map((wave) => wave.map(target));

/** Work that records when each target starts and ends, and fails the targets named. */
function recorder(failing: string[] = [], slow: string[] = []) {
  const events: string[] = [];
  let running = 0;
  let most = 0;
  const work = async (t: FleetTarget): Promise<FleetOutcome<string>> => {
    events.push(`start ${t.name}`);
    running += 1;
    most = Math.max(most, running);
    await sleep(slow.includes(t.name) ? 40 : 5);
    running -= 1;
    events.push(`end ${t.name}`);
    const failed = failing.includes(t.name);
    return {
      target: t,
      status: failed ? 'failed' : 'applied',
      run: 1,
      error: failed ? 'x' : null,
      result: { report: t.name },
    };
  };
  return { events, work, most: () => most };
}

describe('runWaves', () => {
  it('runs one wave after another, never more than --parallel at once, never two waves together', async () => {
    const r = recorder();
    const outcomes = await runWaves(waves(['a'], ['b', 'c', 'd', 'e']), { parallel: 2, stopOnFailure: true }, r.work);
    expect(r.most()).toBe(2);
    expect(r.events.slice(0, 2)).toEqual(['start a', 'end a']);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
  });

  it('after a failure starts nothing more: the rest of the wave and later waves are skipped', async () => {
    const r = recorder(['c']);
    const outcomes = await runWaves(
      waves(['a'], ['b'], ['c', 'd'], ['e']),
      { parallel: 1, stopOnFailure: true },
      r.work,
    );
    expect(outcomes.map((o) => [o.target.name, o.status])).toEqual([
      ['a', 'applied'],
      ['b', 'applied'],
      ['c', 'failed'],
      ['d', 'skipped'],
      ['e', 'skipped'],
    ]);
    expect(r.events).not.toContain('start d');
    expect(outcomes[3]).toMatchObject({ run: null, error: null, result: null });
  });

  it('targets already running when one fails finish and report their own outcome', async () => {
    // b fails while a still runs: a finishes, c never starts
    const r = recorder(['b'], ['a']);
    const outcomes = await runWaves(waves(['a', 'b', 'c']), { parallel: 2, stopOnFailure: true }, r.work);
    expect(outcomes.map((o) => [o.target.name, o.status])).toEqual([
      ['b', 'failed'],
      ['a', 'applied'],
      ['c', 'skipped'],
    ]);
  });

  it('without stopping on failure every target runs; reverse walks the last wave first', async () => {
    const r = recorder(['a']);
    const outcomes = await runWaves(
      waves(['a'], ['b', 'c']),
      { parallel: 1, stopOnFailure: false, reverse: true },
      r.work,
    );
    expect(outcomes.map((o) => o.target.name)).toEqual(['c', 'b', 'a']);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'failed']);
  });
});
