import type { ServerInfo } from '../connection/database.js';
import type { DialectName } from '../connection/target.js';
import type { DuplicateKeyQuery } from '../dialects/duplicate-query.js';
import type { Blocker } from '../dialects/executor-types.js';
import type { LeftoverKind } from '../dialects/types.js';
import type { PlanProblem } from '../errors.js';
import type { ChangeSummary, PlannedChange, RenderedSql } from '../model/change.js';
import type { LiveSchema, TableRef } from '../model/schema.js';
import type { IndexPlan, PlanIndexSpec } from '../plan-file/types.js';
import type { ReplicaStatus } from '../replicas/types.js';
import type { ChangeUsage } from '../usage/evidence.js';

/**
 * What a step carries beside its change: the plan entry it came from (and, for unique builds, its
 * duplicate-key check; for drops and disables, its usage evidence).
 */
interface StepContext {
  spec: PlanIndexSpec;
  duplicateCheck?: DuplicateKeyQuery;
  usage?: ChangeUsage;
  /** Who decided `online`: the server, by the capability probe (MySQL/MariaDB), or the tool's rules. */
  onlineSource?: 'probe' | 'rules';
}

/** A change planned now, with its SQL: `action` says which model indexes (`desired`, `live`) it carries. */
export type PlanStep = PlannedChange & StepContext;

/**
 * A step read back from a saved plan (`show`, `apply FILE`): the saved action, names and statements,
 * without the model indexes, which the document does not hold.
 */
export type SavedStep = ChangeSummary & RenderedSql & StepContext;

/** One step of a plan report: planned now, or read back from a saved plan. */
export type ReportStep = PlanStep | SavedStep;

/**
 * Everything `plan` found: the changes with their SQL, and every problem. `buildPlan` makes one of
 * `PlanStep`s; a saved plan read back holds `SavedStep`s.
 */
export interface PlanReport<Step extends ReportStep = ReportStep> {
  dialect: DialectName;
  server: ServerInfo;
  /** Target as it may be printed (no password). */
  target: string;
  plan: IndexPlan;
  live: LiveSchema;
  changes: Step[];
  errors: PlanProblem[];
  /** Per table with changes: its index definitions before and after the plan (for review diffs). */
  definitions: TableDefinitions[];
  /** Indexes left by failed operations on the plans' tables; those of managed names are repaired by a change. */
  leftovers?: Leftover[];
  /** Sessions the pending changes would wait for now (old transactions, lock holders), oldest first. */
  blockers?: Blocker[];
  /** What the capability probe did (MySQL/MariaDB, when changes are pending). */
  probe?: { status: 'ran' | 'partial' | 'unavailable'; message: string };
  /** The replicas' replication state and lag now (`--replica`, and PostgreSQL standbys found on the primary). */
  replicas?: ReplicaStatus[];
}

/** An index left by a failed operation (see `LeftoverKind`), and whether a change of this plan repairs it. */
export interface Leftover {
  table: TableRef;
  index: string;
  kind: LeftoverKind;
  /** The index name it belongs to. */
  of: string;
  /** True when `of` is managed by a plan: `apply` repairs it; else it is only reported. */
  managed: boolean;
}

/** Index definitions of one table as the server prints them, before and after the plan. */
export interface TableDefinitions {
  schema: string;
  table: string;
  before: string[];
  after: string[];
}

/** Options of the planning step. */
export interface PlanOptions {
  /** Look for rows that would violate a new unique index (one bounded query each). */
  checkDuplicates?: boolean;
  /** Statement timeout of each duplicate-rows query (default 1 minute); one that times out is a warning. */
  duplicateCheckTimeoutMs?: number;
  /** Longest wait for a lock of any statement planning sends (default: the plan's `lock_timeout`). */
  lockTimeoutMs?: number;
  /** Run the capability probe where the dialect has one (default true). */
  probe?: boolean;
}
