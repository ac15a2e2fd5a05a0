import * as z from 'zod';
import type { ServerInfo } from '../connection/database.js';
import { findTable, type LiveSchema, type TableRef, tableKey } from '../model/schema.js';
import type { PlanSettings } from '../plan-file/types.js';
import type { ReportStep } from '../planner/types.js';
import { changeJson } from '../render/json/plan.js';
import { toolVersion } from '../version.js';
import { type TableFingerprint, tableFingerprint } from './fingerprint.js';
import { sha256, stableJson } from './stable-json.js';

/** The `format` value that marks a saved plan (a file is recognised by it, not by its name). */
export const savedPlanFormat = 'safe-index-plan/1';

/**
 * The zod schema of a saved plan document, built on first use: only `apply FILE` and `show` parse a
 * saved plan, and `plan` and `apply` of plan files load this module without needing its schema.
 */
function buildSavedPlanSchema() {
  const verifySchema = z.strictObject({
    name: z.string(),
    sql: z.string(),
    expect: z.literal('uses_index').optional(),
  });

  /** One saved change: the plan JSON of the change, plus what `apply` needs to run it without the plan files. */
  const savedChangeSchema = z.looseObject({
    action: z.string(),
    table: z.string(),
    schema: z.string(),
    index: z.string(),
    sql: z.array(z.string()),
    rollback: z.array(z.string()),
    online: z.boolean(),
    warnings: z.array(z.string()),
    reversible: z.boolean(),
    lock_impact: z.string(),
    reason: z.string().optional(),
    online_reason: z.string().optional(),
    purpose: z.string().optional(),
    /** The plan entry's `state`. */
    state: z.string(),
    /** Per-statement undo of a multi-statement change. */
    undo: z.array(z.array(z.string())).optional(),
    /** The entry's verify queries (timed before and after, as a normal apply does). */
    verify: z.array(verifySchema),
  });

  return z.strictObject({
    format: z.literal(savedPlanFormat),
    tool_version: z.string(),
    created_at: z.iso.datetime({ offset: true }),
    target: z.strictObject({
      dialect: z.enum(['postgres', 'mysql']),
      flavor: z.string(),
      server_version: z.string(),
      host: z.string(),
      database: z.string(),
    }),
    plan_files: z.array(z.strictObject({ path: z.string(), sha256: z.string() })),
    settings: z.strictObject({
      lock_timeout_ms: z.number(),
      max_retries: z.number(),
      explain_runs: z.number(),
      max_regression: z.number(),
      snapshot_wait_ms: z.number().optional(),
      max_replica_lag_ms: z.number().optional(),
    }),
    fingerprints: z.array(
      z.strictObject({ schema: z.string(), table: z.string(), indexes: z.array(z.string()), sha256: z.string() }),
    ),
    changes: z.array(savedChangeSchema),
    hash: z.string(),
  });
}

/** A saved plan (`plan --out`): what was reviewed, where, and the live state it was computed from. */
export type SavedPlan = z.infer<ReturnType<typeof buildSavedPlanSchema>>;

/** One change of a saved plan. */
export type SavedChange = SavedPlan['changes'][number];

let savedPlanSchema: ReturnType<typeof buildSavedPlanSchema> | undefined;

/** The zod schema of a saved plan document. */
export function savedPlanDocumentSchema() {
  savedPlanSchema ??= buildSavedPlanSchema();
  return savedPlanSchema;
}

/**
 * The hash of a saved plan: SHA-256 of its stable JSON without `hash` and `created_at`, so two plans of
 * the same state share it, and an edited statement, target or fingerprint no longer matches it.
 */
export function savedPlanHash(plan: Omit<SavedPlan, 'hash'> | SavedPlan): string {
  const { hash: _hash, created_at: _created, ...content } = plan as SavedPlan;
  return sha256(stableJson(content));
}

/** The tables a saved plan depends on: those with a pending change. */
export function involvedTables(changes: readonly { action: string; table: TableRef }[]): TableRef[] {
  const pending = changes.filter((change) => change.action !== 'noop').map((change) => change.table);
  return [...new Map(pending.map((ref) => [tableKey(ref), ref])).values()].sort((a, b) =>
    tableKey(a) < tableKey(b) ? -1 : tableKey(a) > tableKey(b) ? 1 : 0,
  );
}

/** Fingerprints of the involved tables in a live schema. */
export function fingerprintsOf(tables: readonly TableRef[], live: LiveSchema): TableFingerprint[] {
  return tables.map((ref) => tableFingerprint(ref, findTable(live, ref)));
}

function savedChange(change: ReportStep): SavedChange {
  return {
    ...changeJson(change),
    state: change.spec.state,
    ...(change.undo ? { undo: change.undo } : {}),
    verify: change.spec.verify.map((query) => ({
      name: query.name,
      sql: query.sql,
      ...(query.expect ? { expect: query.expect } : {}),
    })),
  };
}

/** What a saved plan is made from: a plan report without errors, and where it was computed. */
export interface SavedPlanSource {
  server: ServerInfo;
  /** `host:port` of the server (no credentials). */
  host: string;
  changes: readonly ReportStep[];
  live: LiveSchema;
  planFiles: readonly { path: string; sha256: string }[];
  settings: PlanSettings;
}

/** Builds the saved plan document of a plan report. */
export function buildSavedPlan(source: SavedPlanSource, now: Date = new Date()): SavedPlan {
  const { server, settings } = source;
  const content: Omit<SavedPlan, 'hash'> = {
    format: savedPlanFormat,
    tool_version: toolVersion(),
    created_at: now.toISOString(),
    target: {
      dialect: server.dialect,
      flavor: server.flavor,
      server_version: server.version,
      host: source.host,
      database: server.database,
    },
    plan_files: source.planFiles.map((file) => ({ path: file.path, sha256: file.sha256 })),
    settings: {
      lock_timeout_ms: settings.lockTimeoutMs,
      max_retries: settings.maxRetries,
      explain_runs: settings.explainRuns,
      max_regression: settings.maxRegression,
      ...(settings.snapshotWaitMs !== undefined ? { snapshot_wait_ms: settings.snapshotWaitMs } : {}),
      ...(settings.maxReplicaLagMs !== undefined ? { max_replica_lag_ms: settings.maxReplicaLagMs } : {}),
    },
    fingerprints: fingerprintsOf(involvedTables(source.changes), source.live),
    changes: source.changes.map(savedChange),
  };
  return { ...content, hash: savedPlanHash(content) };
}

/** The saved plan as the bytes written to disk (stable: sorted keys). */
export function renderSavedPlan(plan: SavedPlan): string {
  return stableJson(plan);
}

/** Parses a saved plan document (already known to carry the saved-plan format); problems as text. */
export function parseSavedPlan(value: unknown): { plan: SavedPlan } | { problems: string[] } {
  const parsed = savedPlanDocumentSchema().safeParse(value, { jitless: true });
  if (parsed.success) return { plan: parsed.data };
  return {
    problems: parsed.error.issues.map(
      (issue) => `${issue.path.map(String).join('.') || '(document)'}: ${issue.message}`,
    ),
  };
}
