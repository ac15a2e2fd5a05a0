/** A background loop that runs `tick` every interval until stopped. */
export interface PollLoop {
  /**
   * Stops the loop: a pending sleep ends at once (the caller never waits out the interval), a tick
   * in flight is awaited. Errors of `tick` are the caller's to handle inside it.
   */
  stop(): Promise<void>;
}

/**
 * Runs `tick` after each `intervalMs` until `stop()`; the sleep between two ticks is woken by `stop`,
 * so the work that waits on the loop (a finished build, a finished step) goes on as soon as it is done.
 */
export function startPollLoop(intervalMs: number, tick: () => Promise<void>): PollLoop {
  let running = true;
  let wake: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const sleep = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, intervalMs);
    });
  const loop = (async () => {
    while (running) {
      await sleep();
      wake = null;
      if (!running) break;
      await tick();
    }
  })();
  return {
    async stop() {
      running = false;
      clearTimeout(timer);
      (wake as (() => void) | null)?.();
      await loop;
    },
  };
}
