import type { ExportResult } from '../../export/export-plan.js';

/** `export --format json`: the exported entries and the indexes left out. */
export function renderExportJson(result: ExportResult): string {
  return JSON.stringify({ indexes: result.indexes, skipped: result.skipped }, null, 2);
}
