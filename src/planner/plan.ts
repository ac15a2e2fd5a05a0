import type { Database } from '../connection/database.js';
import {
  defaultDuplicateCheckTimeoutMs,
  describeDuplicateKey,
  renderDuplicateKeyQuery,
} from '../dialects/duplicate-query.js';
import type { Dialect } from '../dialects/types.js';
import { type DiffInput, diffIndex, disabledEntryProblem } from '../diff/diff.js';
import { redundancyWarnings } from '../diff/redundancy.js';
import { type PlanProblem, SafeIndexError } from '../errors.js';
import { inReadOnlyTransaction } from '../evidence/measure.js';
import { Index } from '../model/index-model.js';
import {
  findTable,
  type LiveIndex,
  type LiveSchema,
  type LiveTable,
  type TableRef,
  tableKey,
} from '../model/schema.js';
import { formatDuration } from '../plan-file/duration.js';
import type { IndexPlan, PlanIndexSpec } from '../plan-file/types.js';
import { checkVerifyQueriesOnTarget } from '../verify-sql/check.js';
import { checkPlanFields } from '../verify-sql/fields.js';
import { indexOf, tableOf } from './resolve.js';
import type { Leftover, PlanOptions, PlanReport, PlanStep, TableDefinitions } from './types.js';
import { entryProblem, nameCaseProblems, validateEntry } from './validate.js';

function distinctTables(refs: TableRef[]): TableRef[] {
  return [...new Map(refs.map((ref) => [tableKey(ref), ref])).values()];
}

/** The lock timeout as a message names it: its value and where it is set. */
function lockTimeoutLimit(lockTimeoutMs: number): string {
  return `${formatDuration(lockTimeoutMs)} (the lock timeout: lock_timeout in the plan's settings; --lock-timeout on apply and rollback)`;
}

/** `table "a"` or `tables "a", "s.b"`: the plan's tables as its entries name them. */
function tableList(specs: readonly PlanIndexSpec[]): string {
  const names = [...new Set(specs.map((spec) => (spec.schema ? `${spec.schema}.${spec.table}` : spec.table)))];
  return `${names.length === 1 ? 'table' : 'tables'} ${names.map((name) => `"${name}"`).join(', ')}`;
}

/**
 * The live definitions of the plan's tables. A catalog read that gave up waiting for a lock another
 * session holds on one of them (PostgreSQL: ACCESS EXCLUSIVE; MySQL/MariaDB: an exclusive metadata lock)
 * is a `lock_timeout` error that names the tables and the limit, not the server's bare message.
 */
async function introspectPlanTables(
  db: Database,
  dialect: Dialect,
  plan: IndexPlan,
  lockTimeoutMs: number,
): Promise<LiveSchema> {
  const server = db.server;
  const tables = distinctTables(plan.indexes.map((spec) => tableOf(spec, server)));
  // the names the plan may create, for the name_taken check (an index name is unique per schema on PostgreSQL)
  const relationNames = plan.indexes.map((spec) => ({ schema: tableOf(spec, server).schema, name: spec.name }));
  try {
    return await dialect.introspect(db, tables, { relationNames });
  } catch (error) {
    const failure = dialect.executor.classify(error);
    if (failure.kind !== 'lock_timeout') throw error;
    const message = `reading the definitions of ${tableList(plan.indexes)} waited more than ${lockTimeoutLimit(lockTimeoutMs)} for a lock held by another session: ${failure.message}`;
    throw new SafeIndexError('lock_timeout', message, { cause: error });
  }
}

/** The server's canonical form of each desired index, or a problem where the server refuses it. */
async function canonicalDesired(
  db: Database,
  dialect: Dialect,
  entries: { spec: PlanIndexSpec; index: Index }[],
  lockTimeoutMs: number,
): Promise<{ canonical: Map<PlanIndexSpec, Index>; problems: PlanProblem[] }> {
  const canonical = new Map<PlanIndexSpec, Index>();
  const problems: PlanProblem[] = [];
  if (entries.length === 0) return { canonical, problems };
  const results = await dialect.canonicalize(
    db,
    entries.map((entry) => entry.index),
    lockTimeoutMs,
  );
  results.forEach((result, i) => {
    const { spec } = entries[i]!;
    if ('index' in result) canonical.set(spec, result.index);
    else if (result.lockTimeout) {
      const message = `index "${spec.name}": waited more than ${lockTimeoutLimit(lockTimeoutMs)} for a lock on table "${spec.table}" to read its definition: ${result.error}`;
      problems.push(entryProblem(spec, 'lock_timeout', message));
    } else {
      const message = `index "${spec.name}": the server refuses this definition: ${result.error}`;
      problems.push(entryProblem(spec, 'server_rejects_index', message));
    }
  });
  return { canonical, problems };
}

/** Keys a unique build checks before it starts (apply), and how many it names. */
const duplicateKeysNamed = 5;

/**
 * The duplicate-rows warning of one unique index: the keys that repeat, or that the check could not
 * finish (a read-only query under a statement timeout, which also bounds its wait for a table lock).
 */
async function duplicateWarning(
  db: Database,
  dialect: Dialect,
  index: Index,
  timeoutMs: number,
): Promise<string | undefined> {
  const query = renderDuplicateKeyQuery(index, dialect, duplicateKeysNamed);
  const session = await db.session('plan duplicate check');
  let rows: Record<string, unknown>[];
  try {
    rows = await inReadOnlyTransaction(session, dialect.explain, timeoutMs, () => session.query(query.sql));
  } catch (error) {
    const failure = dialect.executor.classify(error);
    if (failure.kind !== 'canceled' && failure.kind !== 'lock_timeout') throw error;
    return `could not check for duplicate rows: the query did not finish within ${formatDuration(timeoutMs)} (--duplicate-check-timeout; the table is large or locked: ${failure.message}); apply checks again before the build`;
  } finally {
    await session.release();
  }
  if (rows.length === 0) return undefined;
  const keys = rows.map((row) => describeDuplicateKey(query.keys, row));
  return `unique index over duplicate rows: ${keys.join(', ')} (rows per key); the build would fail`;
}

/** What planning one entry needs besides the entry itself. */
interface EntryContext {
  db: Database;
  dialect: Dialect;
  live: LiveSchema;
  options: PlanOptions;
  /** Names of the indexes the plan drops, per table key (not compared for redundancy). */
  dropped: Map<string, Set<string>>;
  /** Each table as the plan's earlier steps leave it, per table key: what the next step is rendered on. */
  asLeft: Map<string, LiveTable>;
}

/**
 * What the diff compares for one valid entry, or undefined when the entry needs a definition the
 * server refused to canonicalize (reported with the canonical forms).
 */
function diffInputOf(spec: PlanIndexSpec, table: LiveTable, desired: Index | undefined): DiffInput | undefined {
  const name = spec.name;
  switch (spec.state) {
    case 'present':
      return desired ? { name, table, state: 'present', desired } : undefined;
    case 'disabled':
      if (spec.columns.length > 0 && !desired) return undefined;
      return { name, table, state: 'disabled', ...(desired ? { desired } : {}) };
    case 'absent':
      return { name, table, state: 'absent' };
  }
}

/** Diffs and renders one valid entry: its step, or the problem that stops it. */
async function planEntry(
  spec: PlanIndexSpec,
  input: DiffInput,
  context: EntryContext,
): Promise<{ step: PlanStep } | { problem: PlanProblem }> {
  const { db, dialect, live, options } = context;
  const table = input.table;
  const cannotDisable = input.state === 'disabled' ? disabledEntryProblem(input) : null;
  if (cannotDisable) return { problem: entryProblem(spec, 'cannot_disable', cannotDisable, 'state') };
  const change = diffIndex(input);
  const taken = change.action === 'create' ? live.relationNames?.get(table.schema)?.get(spec.name) : undefined;
  if (taken) {
    const message = `index name "${spec.name}" is already used by a ${taken} in schema "${table.schema}" (index names are unique per schema)`;
    return { problem: entryProblem(spec, 'name_taken', message, 'name') };
  }
  const constraint = change.action === 'noop' || change.action === 'create' ? null : change.live.live.constraint;
  if (constraint) {
    const verb = change.action === 'replace' || change.action === 'create' ? 'rebuild' : change.action;
    const message = `index "${spec.name}" is owned by a ${constraint} constraint; safe-index does not ${verb} constraint indexes`;
    return { problem: entryProblem(spec, 'constraint_index', message) };
  }
  const properties = change.action === 'noop' ? undefined : dialect.indexProperties?.(change, table);
  if (properties?.refusal) {
    return { problem: entryProblem(spec, properties.refusal.code, properties.refusal.message) };
  }
  change.warnings.push(...(properties?.warnings ?? []));
  if (change.action === 'replace' && change.live.live.roundTrips === false) {
    // the rollback rebuilds the old index from the server's own text, so it is exact; the new one
    // is built from the plan and will not carry what the model cannot express
    change.warnings.push(
      `the live index has settings the plan format cannot express (${change.live.live.definition}); the new definition will not carry them (the rollback restores them)`,
    );
  }
  const built = change.action === 'create' || change.action === 'replace' ? change.desired : undefined;
  if (built) {
    change.warnings.push(...redundancyWarnings(built, table, context.dropped.get(tableKey(table))));
    const duplicate =
      options.checkDuplicates && built.unique
        ? await duplicateWarning(db, dialect, built, options.duplicateCheckTimeoutMs ?? defaultDuplicateCheckTimeoutMs)
        : undefined;
    if (duplicate) change.warnings.push(duplicate);
  }
  const asLeft = context.asLeft.get(tableKey(table)) ?? table;
  const rendered = dialect.renderChange(change, asLeft);
  if (change.action === 'noop') return { step: { ...change, ...rendered, spec } };
  // apply looks for duplicate keys before it sends a unique build (--no-duplicate-check skips it)
  const duplicateCheck = built?.unique ? renderDuplicateKeyQuery(built, dialect, duplicateKeysNamed) : undefined;
  if (rendered.sql.length === 0) {
    const message = `index "${spec.name}": ${rendered.onlineReason ?? 'the server cannot make this change'}`;
    return { problem: entryProblem(spec, 'impossible_change', message) };
  }
  context.asLeft.set(tableKey(table), dialect.tableAfter(change, asLeft));
  if (!rendered.online) {
    change.warnings.push(`not online: ${rendered.onlineReason ?? 'the server cannot do this change online'}`);
  }
  return { step: { ...change, ...rendered, spec, ...(duplicateCheck ? { duplicateCheck } : {}) } };
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
): Promise<PlanReport<PlanStep>> {
  const server = db.server;
  const lockTimeoutMs = options.lockTimeoutMs ?? plan.settings.lockTimeoutMs;
  const live = await introspectPlanTables(db, dialect, plan, lockTimeoutMs);
  const errors: PlanProblem[] = await checkVerifyQueriesOnTarget(plan, db);
  // callers check the fields before connecting; checked again here so no caller can skip it
  const fieldProblems = await checkPlanFields(plan, server.dialect);
  errors.push(...fieldProblems);
  const valid: { spec: PlanIndexSpec; index: Index; table: LiveTable }[] = [];
  const caseProblems = nameCaseProblems(
    plan.indexes.map((spec) => {
      const ref = tableOf(spec, server);
      return { spec, table: findTable(live, ref), tableKey: tableKey(ref) };
    }),
    dialect,
  );
  errors.push(...caseProblems);
  for (const spec of plan.indexes) {
    if (fieldProblems.some((problem) => problem.index === spec.name && problem.table === spec.table)) continue;
    if (caseProblems.some((problem) => problem.index === spec.name && problem.table === spec.table)) continue;
    const index = indexOf(spec, server);
    const table = findTable(live, tableOf(spec, server));
    const problems = validateEntry(spec, index, table, dialect);
    errors.push(...problems);
    if (problems.length === 0 && table) valid.push({ spec, index, table });
  }
  const wanted = valid.filter(
    (entry) => entry.spec.state === 'present' || (entry.spec.state === 'disabled' && entry.spec.columns.length > 0),
  );
  // an entry written exactly as its live index reads back is already in the server's canonical form:
  // building it on a scratch copy would give that same index back (the usual in-sync plan sends nothing)
  const readBack = new Map<PlanIndexSpec, Index>();
  for (const entry of wanted) {
    const live = entry.table.indexes.find((index) => index.name === entry.spec.name);
    if (live?.live.valid && live.live.roundTrips !== false && entry.index.equals(live)) {
      readBack.set(entry.spec, new Index(live));
    }
  }
  const { canonical, problems } = await canonicalDesired(
    db,
    dialect,
    wanted.filter((entry) => !readBack.has(entry.spec)),
    lockTimeoutMs,
  );
  for (const [spec, index] of readBack) canonical.set(spec, index);
  errors.push(...problems);

  const dropped = new Map<string, Set<string>>();
  for (const { spec, table } of valid.filter((entry) => entry.spec.state === 'absent')) {
    const names = dropped.get(tableKey(table)) ?? new Set<string>();
    dropped.set(tableKey(table), names.add(spec.name));
  }
  const changes: PlanStep[] = [];
  const asLeft = new Map<string, LiveTable>();
  for (const { spec, table } of valid) {
    const input = diffInputOf(spec, table, canonical.get(spec));
    if (!input) continue; // the server refused its definition: reported above
    const planned = await planEntry(spec, input, { db, dialect, live, options, dropped, asLeft });
    if ('problem' in planned) errors.push(planned.problem);
    else changes.push(planned.step);
  }
  const leftovers = reconcileLeftovers(live, valid, dialect, changes, errors);
  const probe = options.probe === false ? undefined : await probeChanges(db, dialect, changes, live, lockTimeoutMs);
  const pending = distinctTables(changes.filter((change) => change.action !== 'noop').map((change) => change.table));
  const blockers = pending.length > 0 ? await dialect.executor.blockers(db, pending, []) : [];
  return {
    ...(probe ? { probe } : {}),
    leftovers,
    blockers,
    definitions: tableDefinitions(changes, live, dialect),
    dialect: server.dialect,
    server,
    target: db.target.display,
    plan,
    live,
    changes,
    errors,
  };
}

/**
 * Lets the server decide the online verdict of the pending changes (MySQL/MariaDB capability probe):
 * each probed change takes the statements, verdict and reason the probe found; the others keep the
 * rules' verdict, with the reason in a warning.
 */
async function probeChanges(
  db: Database,
  dialect: Dialect,
  changes: PlanStep[],
  live: LiveSchema,
  lockTimeoutMs: number,
): Promise<PlanReport['probe']> {
  const pending = changes.filter((change) => change.action !== 'noop');
  if (!dialect.probeOnline || pending.length === 0) return undefined;
  const result = await dialect.probeOnline(db, pending, live, lockTimeoutMs);
  if (!result) return undefined;
  for (const change of pending) {
    const verdict = result.verdicts.get(change);
    if (!verdict) {
      change.onlineSource = 'rules';
      const why = result.skipped.get(change);
      if (why) change.warnings.push(`online verdict from the rules, not the server: ${why}`);
      continue;
    }
    change.onlineSource = 'probe';
    const wasBlocking = change.warnings.findIndex((warning) => warning.startsWith('not online: '));
    if (wasBlocking >= 0) change.warnings.splice(wasBlocking, 1);
    change.sql = verdict.sql;
    change.rollback = verdict.rollback;
    change.online = verdict.online;
    change.lockImpact = verdict.lockImpact;
    if (verdict.onlineReason) change.onlineReason = verdict.onlineReason;
    else delete change.onlineReason;
    if (!verdict.online) change.warnings.push(`not online: ${verdict.onlineReason}`);
  }
  return { status: result.status, message: result.message };
}

/**
 * Finds indexes left by failed operations on the plans' tables. An INVALID index under a managed name
 * is already a `replace` (see the diff). A leftover of a managed index is repaired: a valid `si_new`
 * (the tool's replacement, built and not renamed) of the desired definition finishes the swap (the
 * managed index's change renames it into place instead of building), and any other leftover becomes a
 * `drop` change of the leftover (online), ordered before the managed index's own change so that its
 * temporary name is free again. Leftovers of other names are only reported.
 */
function reconcileLeftovers(
  live: LiveSchema,
  entries: readonly { spec: PlanIndexSpec; table: LiveTable }[],
  dialect: Dialect,
  changes: PlanStep[],
  errors: PlanProblem[],
): Leftover[] {
  const leftovers: Leftover[] = [];
  for (const table of distinctTables(entries.map((entry) => entry.table))) {
    const liveTable = findTable(live, table);
    if (!liveTable) continue;
    const managed = new Map(
      entries.filter((e) => tableKey(e.table) === tableKey(table)).map((e) => [e.spec.name, e.spec] as const),
    );
    for (const index of liveTable.indexes) {
      const found = dialect.leftoverOf(index, [...managed.keys()]);
      if (!found) continue;
      const spec = managed.get(found.of);
      const ref = { schema: liveTable.schema, name: liveTable.name };
      leftovers.push({ table: ref, index: index.name, ...found, managed: spec !== undefined });
      if (!spec || found.of === index.name) continue;
      const at = changes.findIndex((c) => c.spec === spec);
      const owner = at >= 0 ? changes[at] : undefined;
      // the leftover goes (renamed or dropped): it is no index the managed one duplicates or covers
      if (owner) owner.warnings = owner.warnings.filter((warning) => !warning.includes(`"${index.name}"`));
      if (found.kind === 'si_new' && owner && finishesSwap(owner, index)) {
        const finish = {
          ...owner,
          prebuilt: index,
          reason: `${owner.reason ? `${owner.reason}; ` : ''}finishes an interrupted replace: ${index.name}, already built with the desired definition, is renamed into place`,
        };
        const { duplicateCheck: _built, ...step } = { ...finish, ...dialect.renderChange(finish, liveTable) };
        changes[at] = step;
        continue;
      }
      const what =
        found.kind === 'si_new'
          ? 'replacement left by an interrupted replace or rollback'
          : `${found.kind} index left by a failed REINDEX CONCURRENTLY`;
      const change = {
        action: 'drop' as const,
        table: ref,
        index: index.name,
        live: index,
        reason: `${what} of managed index ${found.of}`,
        warnings: [],
      };
      // a leftover may hold what the table needs (a rollback killed after it moved the replica identity)
      const refusal = dialect.indexProperties?.(change, liveTable).refusal;
      if (refusal) {
        const message = `${refusal.message}; then the next apply removes the leftover`;
        errors.push(entryProblem(spec, refusal.code, message));
        continue;
      }
      changes.splice(at >= 0 ? at : changes.length, 0, { ...change, ...dialect.renderChange(change, liveTable), spec });
    }
  }
  return leftovers;
}

/** True when `leftover` (valid, of the desired definition, on a plain table) can stand in for the build of `change`. */
function finishesSwap(change: PlanStep, leftover: LiveIndex): boolean {
  if (change.action !== 'create' && change.action !== 'replace') return false;
  if (!leftover.live.valid || leftover.live.partitioned) return false;
  return leftover.equivalent(change.desired);
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
        after.set(change.index, dialect.renderDefinition(change.desired));
      }
    }
    return { schema: ref.schema, table: ref.name, before, after: sortedByName(after) };
  });
}

/** True when nothing needs to change. */
export function inSync(report: PlanReport): boolean {
  return report.errors.length === 0 && report.changes.every((change) => change.action === 'noop');
}
