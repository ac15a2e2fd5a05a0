import type { PlanProblem } from '../errors.js';
import type { FleetTarget } from './file.js';

/** Why a target failed before it had a report, password-free (the document `cli/main.ts` would print). */
export interface FleetFailure {
  code: string;
  message: string;
  problems?: PlanProblem[];
}

/** What became of one target of a fleet command. */
export type FleetStatus = 'applied' | 'noop' | 'failed' | 'skipped' | 'in_sync' | 'pending' | 'rolled_back';

/** One target's outcome: its status, the run it made or undid, why it failed, and its own report. */
export interface FleetOutcome<R> {
  target: FleetTarget;
  status: FleetStatus;
  run: number | null;
  /** Why the target failed (password-free), else null. */
  error: string | null;
  /** The single-target report, or the error that stopped the target before it had one. */
  result: { report: R } | { failure: FleetFailure } | null;
}

/** How a fleet command walks its waves. */
export interface WaveOptions {
  /** Targets run at once within a wave (at least 1). */
  parallel: number;
  /** After a failed target no further target starts; those not started are `skipped`. */
  stopOnFailure: boolean;
  /** Walk the waves last first (and each wave back to front), as `rollback` does. */
  reverse?: boolean;
}

/**
 * Runs `work` on every target, wave after wave, at most `parallel` at once inside a wave; the next wave
 * starts only when the whole wave is done. `work` must not throw (it reports failure as an outcome).
 * Outcomes come back in the order the targets were started, skipped ones last.
 */
export async function runWaves<R>(
  waves: readonly FleetTarget[][],
  options: WaveOptions,
  work: (target: FleetTarget, wave: number) => Promise<FleetOutcome<R>>,
): Promise<FleetOutcome<R>[]> {
  const ordered = options.reverse ? [...waves].reverse().map((wave) => [...wave].reverse()) : waves;
  const outcomes: FleetOutcome<R>[] = [];
  let stopped = false;
  for (const [w, wave] of ordered.entries()) {
    if (stopped) break;
    const queue = [...wave];
    const worker = async () => {
      while (queue.length > 0 && !stopped) {
        const target = queue.shift()!;
        const outcome = await work(target, w);
        outcomes.push(outcome);
        if (outcome.status === 'failed' && options.stopOnFailure) stopped = true;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, wave.length)) }, worker));
  }
  const done = new Set(outcomes.map((outcome) => outcome.target.name));
  for (const target of ordered.flat()) {
    if (!done.has(target.name)) outcomes.push({ target, status: 'skipped', run: null, error: null, result: null });
  }
  return outcomes;
}
