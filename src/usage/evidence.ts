import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import { SafeIndexError } from '../errors.js';
import { retiringActions } from '../model/change.js';
import { findTable, type LiveSchema, tableKey } from '../model/schema.js';
import type { PlanReport, ReportStep } from '../planner/types.js';
import { collectUsage, type IndexUsage, recordUsage } from './collect.js';
import type { UsageVerdict } from './types.js';
import { formatDuration } from './verdict.js';

/** How long a drop or disable looks back for usage by default. */
export const defaultUsageWindowMs = 7 * 86_400_000;

/** The usage evidence of one drop or disable, as plan and apply carry it. */
export interface ChangeUsage {
  verdict: UsageVerdict;
  /** The counters now, summed over the sources that have one (null when none has). */
  scans: number | null;
  /** The latest last scan any source recorded (PostgreSQL 16+). */
  lastScan: Date | null;
  windowMs: number;
  /** Per source: its verdict and why. */
  sources: IndexUsage['sources'];
}

/** Where and how far back `plan` and `apply` look for usage, and whether `apply` records a snapshot. */
export interface UsageEvidenceOptions {
  replicas: readonly string[];
  windowMs: number;
  record: boolean;
}

function isRetiring(step: ReportStep): boolean {
  return retiringActions.includes(step.action);
}

function summary(usage: IndexUsage, windowMs: number): ChangeUsage {
  const counted = usage.sources.filter((source) => source.scans !== null);
  const lastScans = usage.sources.flatMap((source) => (source.lastScan ? [source.lastScan] : []));
  return {
    verdict: usage.verdict,
    scans: counted.length > 0 ? counted.reduce((sum, source) => sum + (source.scans ?? 0), 0) : null,
    lastScan: lastScans.length > 0 ? new Date(Math.max(...lastScans.map((date) => date.getTime()))) : null,
    windowMs,
    sources: usage.sources,
  };
}

/** `source: 12 scans, last scan T` for each source that saw the index used. */
export function usedOn(usage: ChangeUsage): string {
  return usage.sources
    .filter((source) => source.verdict === 'used')
    .map((source) => {
      const unit = source.unit === 'scans' ? 'scans' : 'rows read';
      const counted =
        source.windowScans !== null ? `${source.windowScans} ${unit} in the window` : `${source.scans ?? 0} ${unit}`;
      const last = source.lastScan
        ? `last scan ${source.lastScan.toISOString()}`
        : 'last scan not recorded by the server';
      return `${source.target}: ${counted}, ${last}`;
    })
    .join('; ');
}

function unknownOn(usage: ChangeUsage): string {
  return usage.sources
    .filter((source) => source.verdict === 'unknown')
    .map((source) => `${source.target}: ${source.reason}`)
    .join('; ');
}

/**
 * The live tables of the plan's changes: those the plan introspected, and any it did not (a saved plan
 * carries no live schema), read now. Usage is read for every index of these tables.
 */
async function planTables(db: Database, report: PlanReport): Promise<LiveSchema> {
  const refs = [...new Map(report.changes.map((change) => [tableKey(change.table), change.table])).values()];
  const missing = refs.filter((ref) => !findTable(report.live, ref));
  if (missing.length === 0) return { tables: report.live.tables };
  const read = await dialectOf(db).introspect(db, missing);
  return { tables: new Map([...report.live.tables, ...read.tables]) };
}

/**
 * Reads the usage of every index of the plan's tables on the primary and the replicas (recording a
 * snapshot when asked), attaches the evidence to each drop and disable, and adds a prominent warning
 * where the index is used or its usage is unknown.
 */
export async function attachUsage(db: Database, report: PlanReport, options: UsageEvidenceOptions): Promise<void> {
  const retiring = report.changes.filter(isRetiring);
  if (retiring.length === 0) {
    // nothing to judge: only the snapshot is stored (when asked)
    if (options.record) await recordUsage(db, await planTables(db, report), options.replicas);
    return;
  }
  const collected = await collectUsage(db, await planTables(db, report), { ...options, managed: new Set() });
  const window = formatDuration(options.windowMs);
  for (const step of retiring) {
    const found = collected.indexes.find(
      (usage) => usage.schema === step.table.schema && usage.table === step.table.name && usage.index === step.index,
    );
    if (!found) continue;
    const usage = summary(found, options.windowMs);
    step.usage = usage;
    if (usage.verdict === 'used') {
      step.warnings.unshift(
        `USED within the last ${window}: ${usedOn(usage)}; apply refuses to ${step.action} it without --allow-used`,
      );
    } else if (usage.verdict === 'unknown') {
      step.warnings.unshift(
        `USAGE UNKNOWN: no evidence that "${step.index}" is unused over the last ${window} (${unknownOn(usage)}); record usage daily with \`safe-index usage --record\`, or give --require-usage-evidence to refuse such changes`,
      );
    }
    if (found.neededByForeignKeys.length > 0) {
      step.warnings.push(
        `the only index that starts with the columns of foreign key ${found.neededByForeignKeys.join(', ')}: without it, checks of that key scan the table`,
      );
    }
  }
}

/** A drop or disable refused for its usage evidence. */
export class UsageEvidenceError extends SafeIndexError {}

/**
 * Refuses drops and disables of indexes used within the window (unless `allowUsed`), and of indexes
 * whose usage is unknown when evidence is required; names the sources, scans and last scans.
 */
export function checkUsageEvidence(report: PlanReport, allowUsed: boolean, requireEvidence: boolean): void {
  const retiring = report.changes.filter(isRetiring);
  const used = allowUsed ? [] : retiring.filter((step) => step.usage?.verdict === 'used');
  if (used.length > 0) {
    const list = used.map(
      (step) =>
        `${step.action} ${step.index} on ${step.table.name}: used within the last ${formatDuration(step.usage!.windowMs)} — ${usedOn(step.usage!)}`,
    );
    throw new UsageEvidenceError(
      'index_in_use',
      `refusing to retire indexes that are in use (give --allow-used to do it anyway):\n  ${list.join('\n  ')}`,
    );
  }
  const unknown = requireEvidence ? retiring.filter((step) => (step.usage?.verdict ?? 'unknown') === 'unknown') : [];
  if (unknown.length > 0) {
    const list = unknown.map(
      (step) =>
        `${step.action} ${step.index} on ${step.table.name}: ${step.usage ? unknownOn(step.usage) : 'usage not read'}`,
    );
    throw new UsageEvidenceError(
      'usage_unknown',
      `refusing to retire indexes without usage evidence (require_usage_evidence): record usage with \`safe-index usage --record\` over the window first:\n  ${list.join('\n  ')}`,
    );
  }
}
