import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPollLoop } from '../../../src/executor/poll-loop.js';

describe('the poll loop of the statement watch and the replica gate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks once per interval while it runs', async () => {
    let ticks = 0;
    const loop = startPollLoop(1_000, async () => {
      ticks += 1;
    });
    await vi.advanceTimersByTimeAsync(3_500);
    expect(ticks).toBe(3);
    await loop.stop();
  });

  it('stops without waiting out the interval: no clock advance, no timer left, no further tick', async () => {
    let ticks = 0;
    const loop = startPollLoop(60_000, async () => {
      ticks += 1;
    });
    await vi.advanceTimersByTimeAsync(10);
    // with fake timers a stop that waited for its sleep would never resolve: the clock does not move here
    await loop.stop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(ticks).toBe(0);
  });

  it('waits for a tick in flight before it reports stopped', async () => {
    let release: () => void = () => {};
    let finished = false;
    const loop = startPollLoop(100, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    await vi.advanceTimersByTimeAsync(100);
    let stopped = false;
    const stopping = loop.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
