import { Document, isMap, isSeq, type YAMLSeq } from 'yaml';
import type { SkippedIndex } from '../../export/entry.js';
import type { ExportResult } from '../../export/export-plan.js';

function skippedComment(skipped: readonly SkippedIndex[]): string {
  return skipped.map((entry) => ` skipped ${entry.table}.${entry.index}: ${entry.reason}`).join('\n');
}

/**
 * Renders an export as a plan file: one entry per exported index, key parts in flow style, and a
 * comment for every index left out (above the first entry of its table, or at the end).
 */
export function renderExportYaml(result: ExportResult): string {
  const doc = new Document({ indexes: result.indexes });
  doc.commentBefore = [
    ` safe-index plan exported from ${result.target} (${result.dialect} ${result.serverVersion}, schema ${result.schema}).`,
    ' Every index below is in sync with the server: `safe-index plan` against this file exits 0.',
    ' Add `verify:` queries and `purpose:` before you rely on it; indexes not named here are never touched.',
  ].join('\n');
  const seq = doc.get('indexes', true) as YAMLSeq;
  if (result.indexes.length === 0) seq.flow = true;
  const pending = new Map<string, SkippedIndex[]>();
  for (const entry of result.skipped) pending.set(entry.table, [...(pending.get(entry.table) ?? []), entry]);
  let previousTable: string | undefined;
  seq.items.forEach((item, i) => {
    const exported = result.indexes[i]!;
    if (!isMap(item)) return;
    const columns = item.get('columns', true);
    if (isSeq(columns)) columns.flow = true;
    const include = item.get('include', true);
    if (isSeq(include)) include.flow = true;
    if (exported.table !== previousTable) {
      item.spaceBefore = i > 0;
      const skipped = pending.get(exported.table);
      if (skipped) item.commentBefore = skippedComment(skipped);
      pending.delete(exported.table);
    }
    previousTable = exported.table;
  });
  const rest = [...pending.values()].flat();
  if (rest.length > 0) doc.comment = skippedComment(rest);
  return doc.toString({ lineWidth: 0 });
}
