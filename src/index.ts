/**
 * safe-index as a library: each function connects, does what the CLI command of the same name does,
 * and returns the document that command prints with `--format json`.
 */
import { planReport } from './api/plan.js';
import type { TargetOptions } from './connection/target.js';
import { withDatabase } from './connection/with-database.js';
import type { BlockersPolicy } from './dialects/executor-types.js';
import { explainReport } from './evidence/explain-now.js';
import { applyPlans } from './executor/apply-plans.js';
import { applySavedPlan } from './executor/apply-saved.js';
import { readHistory } from './executor/history.js';
import { rollbackRun } from './executor/rollback-request.js';
import type { ExecutionSink } from './executor/types.js';
import { type ExportResult, exportPlan as exportLiveIndexes } from './export/export-plan.js';
import { applyJson, rollbackJson } from './render/json/apply.js';
import { explainJson } from './render/json/explain.js';
import { historyJson } from './render/json/history.js';
import { type changeJson, planJson } from './render/json/plan.js';
import { renderExportYaml } from './render/yaml/export.js';
import { defaultMaxPlanAgeMs } from './saved-plan/read.js';

export type { TargetOptions } from './connection/target.js';
export {
  ConnectionError,
  type ErrorCode,
  errorCodeOf,
  errorCodes,
  PlanError,
  type PlanProblem,
  SafeIndexError,
  SavedPlanError,
} from './errors.js';
export type { ExecutionSink } from './executor/types.js';
export type { ExportedIndex, SkippedIndex } from './export/entry.js';
export type { SavedPlan } from './saved-plan/document.js';

/** The `plan --format json` document. */
export type PlanResult = ReturnType<typeof planJson>;

/** One change of a plan or an apply, as JSON. */
export type ChangeResult = ReturnType<typeof changeJson>;

/** The `apply --format json` document. */
export type ApplyResult = ReturnType<typeof applyJson>;

/** The `rollback --format json` document. */
export type RollbackResult = ReturnType<typeof rollbackJson>;

/** The `explain --format json` document. */
export type ExplainResult = ReturnType<typeof explainJson>;

/** One run of the `history --format json` document. */
export type HistoryResult = ReturnType<typeof historyJson>[number];

/** The `export` result: the plan YAML and, as data, the entries and the indexes left out. */
export type ExportPlanResult = ExportResult & { yaml: string };

/** Where to connect and which plan files or folders to use (default `index-plans/`). */
export interface PlanFilesOptions extends TargetOptions {
  paths?: string[];
}

/** Options of `plan`. */
export interface PlanApiOptions extends PlanFilesOptions {
  /** Look for rows that would violate a new unique index. */
  checkDuplicates?: boolean;
  /** Statement timeout of each of those queries in milliseconds (default 1 minute); a timeout is a warning. */
  duplicateCheckTimeoutMs?: number;
  /** Add HypoPG estimates (`what_if`) where HypoPG is installed (PostgreSQL). */
  whatIf?: boolean;
  /** Also write the plan as a saved plan to this file (`plan --out`); not written when the plan has errors. */
  out?: string;
  /** Replica URLs: their lag and state are shown (`replicas`), their index usage counts for drops. */
  replicas?: string[];
}

/** Options of `apply` and `rollback` (durations in milliseconds; defaults as on the command line). */
export interface RunApiOptions extends TargetOptions {
  /** Longest wait of one DDL statement for a lock (default: the plan's `lock_timeout`, else 5 s). */
  lockTimeoutMs?: number;
  /** How long to wait for another run's lock (default 0). */
  waitMs?: number;
  /** Sessions a step would wait for: wait up to `snapshotWaitMs`, or give up after the lock timeout (default wait). */
  blockers?: BlockersPolicy;
  /** Longest wait of one step for those sessions under `wait` (default: the plan's `snapshot_wait`, else 10 min). */
  snapshotWaitMs?: number;
  /** Replica URLs the lag gate waits for (PostgreSQL standbys are also found on the primary). */
  replicas?: string[];
  /** The most a replica may be behind before a step starts (default: the plan's `max_replica_lag`, else 10 s). */
  maxReplicaLagMs?: number;
  /** The longest one wait for replicas lasts before the run fails (default 10 min). */
  replicaWaitMs?: number;
  /** Progress and log lines (default: silent). */
  sink?: ExecutionSink;
}

/** Options of `apply`. */
export interface ApplyApiOptions extends RunApiOptions {
  paths?: string[];
  /** Directory that receives `<database>-<run-id>.sql` and the evidence reports (default `rollbacks`). */
  rollbackDir?: string;
  /** Permit changes the server cannot make online (default false). */
  allowBlocking?: boolean;
  /** Undo this run's applied steps when a later step fails (default true). */
  rollbackOnFailure?: boolean;
  /** Statement timeout of the duplicate-key check before unique builds (default 1 min); null skips the check. */
  duplicateCheckTimeoutMs?: number | null;
  /** A saved plan (`plan --out`) to apply exactly, in place of `paths`. */
  savedPlan?: string;
  /** A saved plan older than this is refused (default 7 days). */
  maxPlanAgeMs?: number;
}

/** Options of `rollback`. */
export interface RollbackApiOptions extends RunApiOptions {
  /** The run to undo (default: the latest with applied changes). */
  runId?: number;
  /** Only list the statements (default false). */
  dryRun?: boolean;
  /** Directory that receives `<database>-<run-id>.rolled-back.sql` (default: no file). */
  rollbackDir?: string;
}

/** Options of `explain`. */
export interface ExplainApiOptions extends PlanFilesOptions {
  /** Timed runs per query (default: the plans' `explain_runs`). */
  runs?: number;
}

/** Options of `exportPlan`. */
export interface ExportApiOptions extends TargetOptions {
  /** Tables of the default schema (default: every table that has indexes). */
  tables?: string[];
}

/** Dry run: compares the plans with the live schema and returns the changes with their SQL and rollback. */
export async function plan(options: PlanApiOptions = {}): Promise<PlanResult> {
  return planJson(await planReport(options));
}

/**
 * Applies the plans online (or exactly the saved plan `savedPlan`, refused on drift), records the run
 * and writes its rollback script; never asks for confirmation.
 */
export async function apply(options: ApplyApiOptions = {}): Promise<ApplyResult> {
  const request = {
    ...options,
    waitMs: options.waitMs ?? 0,
    rollbackDir: options.rollbackDir ?? 'rollbacks',
    allowBlocking: options.allowBlocking ?? false,
    blockers: options.blockers ?? 'wait',
    rollbackOnFailure: options.rollbackOnFailure ?? true,
  } as const;
  const report = options.savedPlan
    ? await applySavedPlan({
        ...request,
        file: options.savedPlan,
        maxPlanAgeMs: options.maxPlanAgeMs ?? defaultMaxPlanAgeMs,
      })
    : await applyPlans(request);
  return applyJson(report);
}

/** Undoes the latest applied run (or `runId`) online; never asks for confirmation. */
export async function rollback(options: RollbackApiOptions = {}): Promise<RollbackResult> {
  const result = await rollbackRun({
    ...options,
    dryRun: options.dryRun ?? false,
    waitMs: options.waitMs ?? 0,
    blockers: options.blockers ?? 'wait',
  });
  return rollbackJson(result);
}

/** Times the plans' verify queries now, changing nothing. */
export async function explain(options: ExplainApiOptions = {}): Promise<ExplainResult> {
  return explainJson(await explainReport(options));
}

/** Lists the recorded runs, newest first. */
export async function history(options: TargetOptions = {}): Promise<HistoryResult[]> {
  const entries = await withDatabase(options, (db) => readHistory(db));
  return historyJson(entries);
}

/** Reads the live indexes of the tables as plan entries, with the plan YAML `export` prints. */
export async function exportPlan(options: ExportApiOptions = {}): Promise<ExportPlanResult> {
  const result = await exportLiveIndexes(options);
  return { ...result, yaml: renderExportYaml(result) };
}
