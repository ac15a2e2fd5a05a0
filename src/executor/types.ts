import type { DuplicateKeyQuery } from '../dialects/duplicate-query.js';
import type { Blocker, BlockersPolicy } from '../dialects/executor-types.js';
import type { ErrorCode } from '../errors.js';
import type { ChangeAction } from '../model/change.js';
import type { TableRef } from '../model/schema.js';
import type { PlanFileInfo } from '../plan-file/types.js';
import type { ReplicaLag } from '../replicas/gate.js';
import type { StepStatus } from '../state/runs.js';

/** One change as the executor runs it: forward statements and their reverse (a plan report's step fits). */
export interface ExecutionStep {
  action: ChangeAction;
  table: TableRef;
  index: string;
  sql: string[];
  rollback: string[];
  online: boolean;
  /** Per-statement undo of a multi-statement change (see RenderedSql.undo). */
  undo?: string[][];
  /** For a unique build: the query for keys it would reject, run before any statement is sent. */
  duplicateCheck?: DuplicateKeyQuery;
}

/** How statements are run: per-statement lock timeout, retries of lock timeouts, old-transaction policy. */
export interface ExecutionSettings {
  lockTimeoutMs: number;
  maxRetries: number;
  blockers: BlockersPolicy;
  /** Longest wait of one step for old transactions under `--blockers wait` (default 10m). */
  snapshotWaitMs?: number;
  /** Statement timeout of the duplicate-key check before a unique build (default 1m); null skips the check. */
  duplicateCheckTimeoutMs?: number | null;
}

/** Where the executor reports what it is doing (stderr in the CLI). */
export interface ExecutionSink {
  log(line: string): void;
  progress(line: string): void;
  /** Least time between two progress lines (short on a TTY, long in logs). */
  progressIntervalMs: number;
}

/** A sink that says nothing (library use, tests). */
export const silentSink: ExecutionSink = { log() {}, progress() {}, progressIntervalMs: 60_000 };

/** What happened to one step of a run. */
export interface StepOutcome {
  step: ExecutionStep;
  status: StepStatus;
  attempts: number;
  durationMs: number | null;
  error?: string;
  /** PostgreSQL: WAL the server wrote while the step ran (LSN after − before; the whole server's, so concurrent writes count too). */
  walBytes?: number;
  /** Size of the index the step built, as the server reports it. */
  indexBytes?: number;
  /** The largest lag each replica showed from the start of the step until it had replayed it (lag gate). */
  replicas?: ReplicaLag[];
}

/** Waits for replicas between steps (see replicas/gate.ts); a problem it returns ends the run, changing nothing more. */
export interface StepGate {
  beforeStep(ordinal: number, label: string, step: { index: string; table: string }): Promise<RunProblem | undefined>;
  afterLast(label: string): Promise<RunProblem | undefined>;
}

/** One problem of a run, as reported in `errors`. */
export interface RunProblem {
  message: string;
  code: ErrorCode;
  index?: string;
  table?: string;
  /** The sessions the step gave up waiting for (code `blockers`). */
  blockers?: Blocker[];
}

/** The timings of one verify query before and after the change (filled by the EXPLAIN-evidence work). */
export interface VerifyEntry {
  index: string;
  query: string;
  before: { median_ms: number; uses_index: boolean };
  after: { median_ms: number; uses_index: boolean };
  speedup: number;
}

/**
 * Before/after measurement around the DDL: `before` runs once the lock is held and before any
 * statement, `after` once every step is applied; problems it returns fail the run.
 */
export interface VerifyHook {
  before(steps: readonly ExecutionStep[]): Promise<void>;
  after(steps: readonly ExecutionStep[]): Promise<{ entries: VerifyEntry[]; problems: RunProblem[] }>;
}

/** What `prepare` hands the engine once the run lock is held: the steps and where they came from. */
export interface PreparedApply {
  steps: ExecutionStep[];
  planFiles: PlanFileInfo[];
  /** Hash of the saved plan the steps come from (`apply FILE`), recorded with the run. */
  savedPlanHash?: string;
  /** The fleet apply the run is part of (`apply --targets`), recorded with the run. */
  fleetDeploy?: string;
}

/** Outcome of `apply`. */
export interface ApplyResult {
  runId: number;
  status: 'applied' | 'noop' | 'failed';
  steps: StepOutcome[];
  /** Where the rollback script was written (null when it could not be: it is still stored in the database). */
  rollbackFile: string | null;
  errors: RunProblem[];
  verify: VerifyEntry[];
  /** The largest lag seen on each replica over the run (lag gate; empty when no replica was watched). */
  replicas?: ReplicaLag[];
}
