import type { ServerInfo } from '../connection/database.js';
import { type TableRef, tableKey } from '../model/schema.js';
import type { IndexPlan } from '../plan-file/types.js';
import { tableOf } from '../planner/resolve.js';
import type { VerifyTarget } from './types.js';

/** Every verify query of the plan, each with the index and table it judges. */
export function verifyTargets(plan: IndexPlan, server: ServerInfo): VerifyTarget[] {
  return plan.indexes.flatMap((spec) =>
    spec.verify.map((query) => ({ index: spec.name, table: tableOf(spec, server), state: spec.state, query })),
  );
}

/** Identifies an index by table and name (for matching changes with verify targets). */
export function indexKey(item: { table: TableRef; index: string }): string {
  return `${tableKey(item.table)}\u0000${item.index}`;
}

/** The verify queries of the plan entries that the given changes touch (matched by table and index name). */
export function targetsOfChanges(
  plan: IndexPlan,
  server: ServerInfo,
  changes: readonly { table: TableRef; index: string }[],
): VerifyTarget[] {
  const changed = new Set(changes.map(indexKey));
  return verifyTargets(plan, server).filter((target) => changed.has(indexKey(target)));
}

/** The distinct tables the targets read through their judged index. */
export function tablesOf(targets: readonly VerifyTarget[]): TableRef[] {
  return [...new Map(targets.map((target) => [tableKey(target.table), target.table])).values()];
}
