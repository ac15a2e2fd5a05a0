import type { Database } from '../connection/database.js';
import { renderDuplicateKeyQuery } from '../dialects/duplicate-query.js';
import type { Dialect } from '../dialects/types.js';
import { diffIndex } from '../diff/diff.js';
import { redundancyWarnings } from '../diff/redundancy.js';
import type { PlanProblem } from '../errors.js';
import type { Change } from '../model/change.js';
import type { Index } from '../model/index-model.js';
import { findTable, type LiveSchema, type TableRef, tableKey } from '../model/schema.js';
import type { IndexPlan, PlanIndexSpec } from '../plan-file/types.js';
import { checkVerifyQueries } from '../verify-sql/check.js';
import { indexOf, tableOf } from './resolve.js';
import type { PlanOptions, PlanReport, PlanStep, TableDefinitions } from './types.js';
import { validateEntry } from './validate.js';

function distinctTables(refs: TableRef[]): TableRef[] {
  return [...new Map(refs.map((ref) => [tableKey(ref), ref])).values()];
}

async function canonicalDesired(
  db: Database,
  dialect: Dialect,
  entries: { spec: PlanIndexSpec; index: Index }[],
): Promise<{ canonical: Map<PlanIndexSpec, Index>; problems: PlanProblem[] }> {
  const canonical = new Map<PlanIndexSpec, Index>();
  const problems: PlanProblem[] = [];
  if (entries.length === 0) return { canonical, problems };
  const results = await dialect.canonicalize(
    db,
    entries.map((entry) => entry.index),
  );
  results.forEach((result, i) => {
    const { spec } = entries[i]!;
    if ('index' in result) canonical.set(spec, result.index);
    else {
      problems.push({
        code: 'server_rejects_index',
        message: `index "${spec.name}": the server refuses this definition: ${result.error}`,
        ...spec.source,
        index: spec.name,
        table: spec.table,
      });
    }
  });
  return { canonical, problems };
}

async function duplicateWarning(db: Database, dialect: Dialect, index: Index): Promise<string | undefined> {
  const [row] = await db.query(renderDuplicateKeyQuery(index, dialect));
  if (!row) return undefined;
  const key = index.keyParts.map((part, i) => `${part.column ?? part.expression}=${String(row[`k${i}`])}`);
  return `unique index over duplicate rows: ${String(row.n)} rows share (${key.join(', ')}); the build would fail`;
}

/**
 * Dry run: introspects the tables the plan names, validates every entry, diffs desired against live,
 * and renders each change with its rollback. Never changes the schema.
 */
export async function buildPlan(
  db: Database,
  dialect: Dialect,
  plan: IndexPlan,
  options: PlanOptions = {},
): Promise<PlanReport> {
  const server = db.server;
  const live = await dialect.introspect(db, distinctTables(plan.indexes.map((spec) => tableOf(spec, server))));
  const errors: PlanProblem[] = await checkVerifyQueries(plan, server.flavor);
  const valid: { spec: PlanIndexSpec; index: Index }[] = [];
  for (const spec of plan.indexes) {
    const index = indexOf(spec, server);
    const problems = validateEntry(spec, index, findTable(live, tableOf(spec, server)), dialect);
    errors.push(...problems);
    if (problems.length === 0) valid.push({ spec, index });
  }
  const present = valid.filter((entry) => entry.spec.state === 'present');
  const { canonical, problems } = await canonicalDesired(db, dialect, present);
  errors.push(...problems);

  const changes: PlanStep[] = [];
  for (const { spec } of valid) {
    const table = findTable(live, tableOf(spec, server))!;
    const desired = canonical.get(spec);
    if (spec.state === 'present' && !desired) continue;
    const change: Change = diffIndex({ name: spec.name, state: spec.state, ...(desired ? { desired } : {}), table });
    const taken = change.action === 'create' ? live.relationNames?.get(table.schema)?.get(spec.name) : undefined;
    if (taken) {
      errors.push({
        code: 'name_taken',
        message: `index name "${spec.name}" is already used by a ${taken} in schema "${table.schema}" (index names are unique per schema)`,
        ...(spec.positions.name ?? spec.source),
        index: spec.name,
        table: spec.table,
      });
      continue;
    }
    if (change.live?.live.constraint && change.action !== 'noop') {
      errors.push({
        code: 'constraint_index',
        message: `index "${spec.name}" is owned by a ${change.live.live.constraint} constraint; safe-index does not ${
          change.action === 'drop' ? 'drop' : 'rebuild'
        } constraint indexes`,
        ...spec.source,
        index: spec.name,
        table: spec.table,
      });
      continue;
    }
    if (change.live?.live.roundTrips === false && change.action === 'replace') {
      // the rollback rebuilds the old index from the server's own text, so it is exact; the new one
      // is built from the plan and will not carry what the model cannot express
      change.warnings.push(
        `the live index has settings the plan format cannot express (${change.live.live.definition}); the new definition will not carry them (the rollback restores them)`,
      );
    }
    if (desired && (change.action === 'create' || change.action === 'replace')) {
      const leaving = new Set(
        valid
          .filter((entry) => entry.spec.state === 'absent' && tableKey(tableOf(entry.spec, server)) === tableKey(table))
          .map((entry) => entry.spec.name),
      );
      change.warnings.push(...redundancyWarnings(desired, table, leaving));
      if (options.checkDuplicates && desired.unique) {
        const warning = await duplicateWarning(db, dialect, desired);
        if (warning) change.warnings.push(warning);
      }
    }
    const rendered = dialect.renderChange(change, table);
    if (change.action !== 'noop' && rendered.sql.length === 0) {
      errors.push({
        code: 'impossible_change',
        message: `index "${spec.name}": ${rendered.onlineReason ?? 'the server cannot make this change'}`,
        ...spec.source,
        index: spec.name,
        table: spec.table,
      });
      continue;
    }
    if (!rendered.online && change.action !== 'noop') {
      change.warnings.push(`not online: ${rendered.onlineReason ?? 'the server cannot do this change online'}`);
    }
    changes.push({ ...change, ...rendered, spec });
  }
  return {
    definitions: tableDefinitions(changes, live, dialect),
    dialect: server.dialect,
    server,
    target: db.target.display,
    plan,
    live,
    changes,
    errors,
    notes: [],
  };
}

function tableDefinitions(changes: PlanStep[], live: LiveSchema, dialect: Dialect): TableDefinitions[] {
  const touched = distinctTables(changes.filter((change) => change.action !== 'noop').map((change) => change.table));
  return touched.map((ref) => {
    const table = findTable(live, ref)!;
    const after = new Map(table.indexes.map((index) => [index.name, index.live.definition]));
    const sortedByName = (map: Map<string, string>) =>
      [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, definition]) => definition);
    const before = sortedByName(after);
    for (const change of changes) {
      if (tableKey(change.table) !== tableKey(ref)) continue;
      if (change.action === 'drop') after.delete(change.index);
      if (change.action === 'create' || change.action === 'replace') {
        after.set(change.index, dialect.renderDefinition(change.desired!));
      }
    }
    return { schema: ref.schema, table: ref.name, before, after: sortedByName(after) };
  });
}

/** True when nothing needs to change. */
export function inSync(report: PlanReport): boolean {
  return report.errors.length === 0 && report.changes.every((change) => change.action === 'noop');
}
