import type { ExplainReport } from '../../evidence/explain-now.js';
import type { WhatIfReport } from '../../evidence/what-if.js';
import { explainEntryJson } from './evidence.js';

/** The `explain --format json` document. */
export function explainJson(report: ExplainReport) {
  return {
    dialect: report.server.dialect,
    flavor: report.server.flavor,
    server_version: report.server.version,
    runs: report.runs,
    passed: report.entries.every((entry) => entry.failures.length === 0),
    verify: report.entries.map(explainEntryJson),
  };
}

/** The `explain --format json` document as text. */
export function renderExplainJson(report: ExplainReport): string {
  return JSON.stringify(explainJson(report), null, 2);
}

/** `plan --what-if` estimates as a JSON value (to sit under the plan document's `what_if` key). */
export function whatIfJson(report: WhatIfReport) {
  return {
    estimate: true,
    available: report.available,
    notes: report.notes,
    estimates: report.estimates.map((e) => ({
      index: e.index,
      table: e.table,
      ...(e.action ? { action: e.action } : {}),
      name: e.name,
      query: e.query,
      cost_before: e.costBefore,
      cost_after: e.costAfter,
      uses_index_before: e.usesIndexBefore,
      would_use_index: e.wouldUseIndex,
      access_paths_before: e.accessPathsBefore,
      access_paths_after: e.accessPathsAfter,
    })),
  };
}
