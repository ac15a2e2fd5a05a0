import type { UsageReportWithServer } from '../../api/usage.js';
import { formatDuration } from '../../usage/verdict.js';

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The `usage --format json` document of SPEC, with the window and each source's state beside `indexes`. */
export function usageJson(report: UsageReportWithServer) {
  return {
    window: formatDuration(report.windowMs),
    recorded: report.recorded,
    sources: report.sources.map((source) => ({
      target: source.target,
      unit: source.unit,
      since: iso(source.since),
      server_start: iso(source.serverStart),
      stats_reset: iso(source.statsReset),
      available: source.unavailable === null,
      ...(source.unavailable ? { reason: source.unavailable } : {}),
      resets: source.resets,
    })),
    indexes: report.indexes.map((index) => ({
      table: index.table,
      index: index.index,
      managed: index.managed,
      constraint: index.constraint,
      size_bytes: index.sizeBytes,
      verdict: index.verdict,
      redundant_to: index.redundantTo,
      sources: index.sources.map((source) => ({
        target: source.target,
        scans: source.scans,
        unit: source.unit,
        last_scan: iso(source.lastScan),
        since: iso(source.since),
      })),
    })),
  };
}

/** The `usage --format json` document as text. */
export function renderUsageJson(report: UsageReportWithServer): string {
  return JSON.stringify(usageJson(report), null, 2);
}
