import type { Database } from '../connection/database.js';
import { startPollLoop } from '../executor/poll-loop.js';
import type { ExecutionSink, RunProblem } from '../executor/types.js';
import { defaultReadTimeoutMs, ReplicaMonitor } from './monitor.js';
import { formatLag, outsideReason, type ReplicaStatus, withinBound } from './types.js';

/** How an apply or rollback waits for replicas. */
export interface ReplicaGateSettings {
  /** Replica URLs (`--replica`); on PostgreSQL the primary's standbys are found as well. */
  replicas: readonly string[];
  /** `max_replica_lag` / `--max-replica-lag`. */
  maxLagMs: number;
  /** `--replica-wait`: the longest one wait lasts before the run fails. */
  waitMs: number;
  /** Time between two readings while waiting (default 500ms). */
  pollMs?: number;
}

export const defaultMaxReplicaLagMs = 10_000;
export const defaultReplicaWaitMs = 600_000;

/** What an apply or rollback request says of its replicas (`--replica`, `--max-replica-lag`, `--replica-wait`). */
export interface ReplicaRequest {
  replicas?: string[];
  maxReplicaLagMs?: number;
  replicaWaitMs?: number;
}

/** A request's gate settings: its flags, else the plans' `max_replica_lag` (`planMaxLagMs`), else the defaults. */
export function replicaGateSettings(request: ReplicaRequest, planMaxLagMs?: number): ReplicaGateSettings {
  return {
    replicas: request.replicas ?? [],
    maxLagMs: request.maxReplicaLagMs ?? planMaxLagMs ?? defaultMaxReplicaLagMs,
    waitMs: request.replicaWaitMs ?? defaultReplicaWaitMs,
  };
}

/** The largest lag seen on one replica (null: never known, e.g. stopped or unreachable throughout). */
export interface ReplicaLag {
  target: string;
  maxLagMs: number | null;
}

/** The error code of a run that stopped because a replica stayed outside the bound. */
export const replicaLagCode = 'replica_lag';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The lag gate of a run: before each step (and after the last) it waits until every replica is within
 * `max_replica_lag`, at most `--replica-wait`, showing the lag as progress; a replica whose replication is
 * stopped, broken or paused, or cannot be read, is never within the bound; one the login lacks the privilege
 * to read (`needsGrant`) fails the wait at once, since only a grant changes it. While a step runs it keeps
 * reading in the background, so the report has the largest lag each step caused (during the step and
 * the wait after it).
 */
export class ReplicaGate {
  private readonly monitor: ReplicaMonitor;
  private readonly overall = new Map<string, number | null>();
  private readonly perStep = new Map<number, Map<string, number | null>>();
  /** The step the readings are charged to (null before the first step). */
  private charged: number | null = null;
  private sampler: { stop: () => Promise<void> } | null = null;
  private positionWarned = false;

  constructor(
    primary: Database,
    private readonly settings: ReplicaGateSettings,
    private readonly sink: ExecutionSink,
  ) {
    this.monitor = new ReplicaMonitor(primary, settings.replicas);
  }

  /** Before step `ordinal` (label for messages): waits until the replicas are within the bound. */
  async beforeStep(
    ordinal: number,
    label: string,
    step?: { index: string; table: string },
  ): Promise<RunProblem | undefined> {
    await this.stopSampling();
    const problem = await this.waitWithinBound(`before ${label}`, step);
    this.charged = ordinal;
    if (!problem) this.startSampling();
    return problem;
  }

  /** After the last step: waits until the replicas have replayed it (still charged to that step). */
  async afterLast(label: string): Promise<RunProblem | undefined> {
    await this.stopSampling();
    return this.waitWithinBound(`after ${label}`);
  }

  /** The largest lag per replica over the whole run. */
  lags(): ReplicaLag[] {
    return [...this.overall].map(([target, maxLagMs]) => ({ target, maxLagMs }));
  }

  /** The largest lag per replica from the start of step `ordinal` until the replicas had replayed it. */
  stepLags(ordinal: number): ReplicaLag[] {
    return [...(this.perStep.get(ordinal) ?? [])].map(([target, maxLagMs]) => ({ target, maxLagMs }));
  }

  async close(): Promise<void> {
    await this.stopSampling();
    this.monitor.close();
  }

  private record(statuses: readonly ReplicaStatus[]): void {
    const into = (map: Map<string, number | null>, status: ReplicaStatus) => {
      const before = map.get(status.target);
      const lag = status.lagMs === null ? null : Math.round(status.lagMs);
      map.set(
        status.target,
        before === undefined || before === null ? lag : lag === null ? before : Math.max(before, lag),
      );
    };
    for (const status of statuses) {
      into(this.overall, status);
      if (this.charged !== null) {
        const step = this.perStep.get(this.charged) ?? new Map<string, number | null>();
        this.perStep.set(this.charged, step);
        into(step, status);
      }
    }
  }

  private startSampling(): void {
    if (this.monitor.idle) return;
    let running = true;
    const poll = this.settings.pollMs ?? 500;
    // woken when the step ends: the wait after it starts at once instead of after the rest of the interval
    const loop = startPollLoop(Math.max(poll, 1000), async () => {
      const statuses = await this.monitor.read(defaultReadTimeoutMs);
      if (running) this.record(statuses);
    });
    this.sampler = {
      stop: async () => {
        running = false;
        await loop.stop().catch(() => {});
      },
    };
  }

  private async stopSampling(): Promise<void> {
    const sampler = this.sampler;
    this.sampler = null;
    await sampler?.stop();
  }

  private async waitWithinBound(
    what: string,
    step?: { index: string; table: string },
  ): Promise<RunProblem | undefined> {
    if (this.monitor.idle) return undefined;
    const { maxLagMs, waitMs } = this.settings;
    const poll = this.settings.pollMs ?? 500;
    const started = Date.now();
    const deadline = started + waitMs;
    let lastProgress = 0;
    let waited = false;
    // every replica must have replayed what the primary had when the wait began (the previous step)
    const { position, error } = await this.monitor.position(Math.min(defaultReadTimeoutMs, Math.max(waitMs, 1000)));
    if (!position && error && !this.positionWarned) {
      this.positionWarned = true;
      this.sink.log(`cannot read the primary's replication position (${error}): waiting on the replicas' lag only`);
    }
    for (;;) {
      const remaining = deadline - Date.now();
      const statuses = await this.monitor.read(
        Math.min(defaultReadTimeoutMs, Math.max(remaining, 1000)),
        position ?? undefined,
      );
      this.record(statuses);
      const outside = statuses.filter((status) => !withinBound(status, maxLagMs));
      if (outside.length === 0) {
        if (waited) {
          const lag = statuses.map((s) => `${s.target} ${formatLag(s.lagMs ?? 0)}`).join(', ');
          this.sink.log(
            `replicas within max_replica_lag ${formatLag(maxLagMs)} after ${formatLag(Date.now() - started)}: ${lag}`,
          );
        }
        return undefined;
      }
      const describe = outside.map((s) => `${s.target}: ${outsideReason(s, maxLagMs)}`).join('; ');
      // a replica the login may not read stays so until someone grants the privilege: the gate cannot pass
      // by waiting, whichever reading (first or later) finds it and whatever the other replicas do
      if (outside.some((status) => status.needsGrant)) {
        return {
          code: replicaLagCode,
          message: `replica ${describe}: not within max_replica_lag ${formatLag(maxLagMs)}, and waiting cannot change that (only a grant can), so the gate gave up after ${formatLag(
            Date.now() - started,
          )} instead of waiting up to ${formatLag(waitMs)} (--replica-wait) ${what}; nothing more was changed`,
          ...(step ? { index: step.index, table: step.table } : {}),
        };
      }
      if (Date.now() >= deadline) {
        return {
          code: replicaLagCode,
          message: `replica ${describe}: not within max_replica_lag ${formatLag(maxLagMs)} after waiting ${formatLag(
            Date.now() - started,
          )} (--replica-wait) ${what}; nothing more was changed`,
          ...(step ? { index: step.index, table: step.table } : {}),
        };
      }
      if (!waited) {
        this.sink.log(`waiting for replicas ${what} (at most ${formatLag(waitMs)}): ${describe}`);
        waited = true;
        lastProgress = Date.now();
      } else if (Date.now() - lastProgress >= this.sink.progressIntervalMs) {
        this.sink.progress(
          `waiting for replicas ${what}, ${formatLag(Date.now() - started)} of ${formatLag(waitMs)}: ${describe}`,
        );
        lastProgress = Date.now();
      }
      await sleep(Math.max(1, Math.min(poll, deadline - Date.now())));
    }
  }
}
