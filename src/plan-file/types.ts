import type { SourcePosition } from '../errors.js';

/** One key part as written in a plan: a column name, or exactly one of column/expression with options. */
export type PlanKeyPart =
  | string
  | ({
      order?: 'asc' | 'desc';
      length?: number;
      nulls?: 'first' | 'last';
    } & ({ column: string; expression?: undefined } | { column?: undefined; expression: string }));

/** A read-only query timed with EXPLAIN before and after a change. */
export interface VerifyQuery {
  name: string;
  sql: string;
  /** `uses_index`: after apply the plan must use this index. */
  expect?: 'uses_index';
  source: SourcePosition;
}

/** Run settings; CLI flags override them. Durations are in milliseconds. */
export interface PlanSettings {
  lockTimeoutMs: number;
  maxRetries: number;
  explainRuns: number;
  maxRegression: number;
  /** Refuse a drop or disable whose usage verdict is `unknown`. */
  requireUsageEvidence?: boolean;
  /** Longest wait of one step for old transactions under `--blockers wait`. */
  snapshotWaitMs?: number;
  /** Lag gate: the most a replica may be behind before a step starts (`max_replica_lag`). */
  maxReplicaLagMs?: number;
}

/** Defaults when neither plan nor flags say otherwise. */
export const defaultSettings: PlanSettings = {
  lockTimeoutMs: 5_000,
  maxRetries: 5,
  explainRuns: 7,
  maxRegression: 0.05,
  requireUsageEvidence: false,
  snapshotWaitMs: 600_000,
  maxReplicaLagMs: 10_000,
};

/** One index entry of a plan, validated for shape (not yet against the server). */
export interface PlanIndexSpec {
  name: string;
  table: string;
  /** Schema (PG) or database (MySQL); undefined means the connection's default. */
  schema?: string;
  columns: PlanKeyPart[];
  unique: boolean;
  /** Undefined means the server's default method (btree). */
  using?: string;
  where?: string;
  include: string[];
  state: 'present' | 'absent' | 'disabled';
  purpose?: string;
  verify: VerifyQuery[];
  /** Where the entry starts, and where each of its keys is (`table`, `columns.1`, `where`, ...). */
  source: SourcePosition;
  positions: Record<string, SourcePosition>;
}

/** A plan file that was read. */
export interface PlanFileInfo {
  path: string;
  sha256: string;
}

/** Every plan file of a run merged: settings (last file wins per key) and index entries. */
export interface IndexPlan {
  files: PlanFileInfo[];
  settings: PlanSettings;
  indexes: PlanIndexSpec[];
}
