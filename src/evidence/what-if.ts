import type { Database, Session } from '../connection/database.js';
import type { ExplainDialect, HypotheticalIndexes, PlanEstimate } from '../dialects/explain-types.js';
import { dialectOf } from '../dialects/index.js';
import { retiringActions } from '../model/change.js';
import type { PlanReport, PlanStep } from '../planner/types.js';
import { checkVerifySql, verifyRefusals } from '../verify-sql/check.js';
import { inReadOnlyTransaction } from './measure.js';
import { indexKey, targetsOfChanges } from './targets.js';
import type { VerifyTarget } from './types.js';

/** The planner's estimate for one verify query without and with the planned indexes (nothing is built). */
export interface WhatIfEstimate {
  index: string;
  table: string;
  query: string;
  name: string;
  /** Planner cost without the planned indexes (arbitrary units). */
  costBefore: number;
  /** Planner cost with the planned indexes as hypothetical indexes. */
  costAfter: number;
  /** Whether the plan reads the index now (e.g. a replace whose old definition is live). */
  usesIndexBefore: boolean;
  /** Whether the planner would pick the planned index (for a drop or disable: still the index, which it cannot). */
  wouldUseIndex: boolean;
  /** Set for a drop or disable: the estimate is of the plan without the index (hidden from the planner). */
  action?: 'drop' | 'disable';
  accessPathsBefore: string[];
  accessPathsAfter: string[];
}

/** What `plan --what-if` adds to a plan: estimates, and notes on what could not be estimated and why. */
export interface WhatIfReport {
  /** True when hypothetical indexes could be used on this database. */
  available: boolean;
  /** Always says these are estimates; says why not, where HypoPG is absent. */
  notes: string[];
  estimates: WhatIfEstimate[];
}

/** The label every what-if output carries. */
const estimateLabel =
  'ESTIMATE (HypoPG): planner costs from plain EXPLAIN with hypothetical indexes; nothing was built or executed';

const statementTimeoutMs = 30_000;

async function estimateTarget(
  session: Session,
  hypothetical: HypotheticalIndexes,
  target: VerifyTarget,
  statement: string,
  hypotheticalName: string,
  before: PlanEstimate,
): Promise<WhatIfEstimate> {
  const after = await hypothetical.estimate(session, statement);
  const estimate = estimateOf(target, before, after, hypotheticalName);
  return {
    ...estimate,
    accessPathsAfter: estimate.accessPathsAfter.map((path) =>
      path.replaceAll(hypotheticalName, `${target.index} (hypothetical)`),
    ),
  };
}

/** One verify query's estimate: the plan now and the plan with the change, which reads the index as `indexAs`. */
function estimateOf(target: VerifyTarget, before: PlanEstimate, after: PlanEstimate, indexAs: string): WhatIfEstimate {
  return {
    index: target.index,
    table: target.table.name,
    query: target.query.sql,
    name: target.query.name,
    costBefore: before.totalCost,
    costAfter: after.totalCost,
    usesIndexBefore: before.indexes.includes(target.index),
    wouldUseIndex: after.indexes.includes(indexAs),
    accessPathsBefore: before.accessPaths,
    accessPathsAfter: after.accessPaths,
  };
}

/**
 * Estimates, without building anything, what each planned create/replace would do to its verify
 * queries: plain EXPLAIN before, then again with the planned indexes as HypoPG hypothetical indexes
 * on one session (read-only transaction, rolled back, hypothetical indexes reset). Uses HypoPG only
 * where the extension is already installed in the database: safe-index creates no objects.
 */
export async function whatIfEstimates(db: Database, report: PlanReport<PlanStep>): Promise<WhatIfReport> {
  const explain = dialectOf(db).explain;
  const hypothetical = explain.hypothetical;
  if (!hypothetical) return hintEstimates(db, report, explain);
  const session = await db.session('what-if');
  try {
    const reason = await hypothetical.unavailableReason(session);
    if (reason) return { available: false, notes: [`what-if: no estimates: ${reason}`], estimates: [] };
    const built = report.changes.filter((c) => c.action === 'create' || c.action === 'replace');
    const retired = report.changes.filter((c) => retiringActions.includes(c.action));
    const notes = [`what-if: ${estimateLabel}`];
    const hideReason = retired.length > 0 ? await hypothetical.hideUnavailableReason(session) : null;
    if (hideReason) notes.push(`what-if: drops and disables not estimated: ${hideReason}`);
    const hidden = hideReason ? [] : retired;
    if (built.some((c) => c.action === 'replace')) {
      notes.push(
        'what-if: for a replace, the live index of that name stays visible to the planner during the estimate',
      );
    }
    const targets = targetsOfChanges(report.plan, db.server, [...built, ...hidden]);
    if (targets.length === 0) return { available: true, notes, estimates: [] };
    const statements = new Map<VerifyTarget, string>();
    const refusals = await verifyRefusals(
      db,
      targets.map((target) => target.query.sql),
    );
    for (const [i, target] of targets.entries()) {
      const check = await checkVerifySql(target.query.sql, db.server.flavor);
      const refusal = refusals[i] ?? (check.ok ? undefined : check.reason);
      if (check.ok && refusal === undefined) statements.set(target, check.statement);
      else notes.push(`what-if: "${target.query.name}" not estimated: ${refusal}`);
    }
    const readOnly = <T>(work: () => Promise<T>) => inReadOnlyTransaction(session, explain, statementTimeoutMs, work);
    try {
      const before = await readOnly(async () => {
        const plans = new Map<VerifyTarget, PlanEstimate>();
        for (const [target, statement] of statements)
          plans.set(target, await hypothetical.estimate(session, statement));
        return plans;
      });
      const dialect = dialectOf(db);
      const names = new Map<string, string>();
      for (const change of built) {
        try {
          names.set(indexKey(change), await hypothetical.create(session, dialect.renderDefinition(change.desired)));
        } catch (error) {
          notes.push(`what-if: "${change.index}" cannot be made hypothetical: ${(error as Error).message}`);
        }
      }
      // the planner's view after the whole plan: new indexes hypothetical, retired ones hidden
      const actions = new Map<string, 'drop' | 'disable'>();
      for (const change of hidden) {
        try {
          await hypothetical.hide(session, change.table, change.index);
          actions.set(indexKey(change), change.action === 'disable' ? 'disable' : 'drop');
        } catch (error) {
          notes.push(`what-if: "${change.index}" cannot be hidden: ${(error as Error).message}`);
        }
      }
      const estimates = await readOnly(async () => {
        const found: WhatIfEstimate[] = [];
        for (const [target, statement] of statements) {
          const name = names.get(indexKey(target));
          const action = actions.get(indexKey(target));
          if (name) {
            found.push(await estimateTarget(session, hypothetical, target, statement, name, before.get(target)!));
          } else if (action) {
            const estimate = await estimateTarget(
              session,
              hypothetical,
              target,
              statement,
              target.index,
              before.get(target)!,
            );
            found.push({ ...estimate, action });
          }
        }
        return found;
      });
      return { available: true, notes, estimates };
    } finally {
      await hypothetical.reset(session);
    }
  } finally {
    await session.release();
  }
}

/**
 * Where the server has no hypothetical indexes (MySQL/MariaDB): the verify queries of each drop and
 * disable are estimated with plain EXPLAIN, then again with an optimizer hint in the query that makes
 * it ignore the index (read-only; the index is never changed). New indexes are not estimated.
 */
async function hintEstimates(db: Database, report: PlanReport, explain: ExplainDialect): Promise<WhatIfReport> {
  const notes = [
    `what-if: no estimates: hypothetical indexes (HypoPG) exist only for PostgreSQL, not ${db.server.flavor}`,
  ];
  const retired = report.changes.filter((c) => retiringActions.includes(c.action));
  if (retired.length === 0) return { available: false, notes, estimates: [] };
  const ignoring = explain.ignoring;
  if (typeof ignoring === 'string') {
    notes.push(
      `what-if: drops and disables not estimated: ${ignoring}; rehearse with state: disabled and verify queries`,
    );
    return { available: false, notes, estimates: [] };
  }
  notes.push(
    'what-if: ESTIMATE (optimizer hint NO_INDEX): plain EXPLAIN of each verify query with the index ignored; nothing was changed or executed',
  );
  const targets = targetsOfChanges(report.plan, db.server, retired);
  const refusals = await verifyRefusals(
    db,
    targets.map((target) => target.query.sql),
  );
  const session = await db.session('what-if');
  const estimates: WhatIfEstimate[] = [];
  try {
    for (const [i, target] of targets.entries()) {
      const check = await checkVerifySql(target.query.sql, db.server.flavor);
      const refusal = refusals[i] ?? (check.ok ? undefined : check.reason);
      if (!check.ok || refusal !== undefined) {
        notes.push(`what-if: "${target.query.name}" not estimated: ${refusal}`);
        continue;
      }
      const readOnly = <T>(work: () => Promise<T>) => inReadOnlyTransaction(session, explain, statementTimeoutMs, work);
      const before = await readOnly(() => ignoring.estimate(session, check.statement));
      const after = await readOnly(() =>
        ignoring.estimateWithout(session, check.statement, target.table, target.index),
      );
      if (typeof after === 'string') {
        notes.push(`what-if: "${target.query.name}" not estimated: ${after}`);
        continue;
      }
      if (after.indexes.includes(target.index)) {
        notes.push(
          `what-if: "${target.query.name}": the hint did not apply (does the query name the table by an alias?); its estimate still uses the index`,
        );
      }
      const change = retired.find((c) => indexKey(c) === indexKey(target))!;
      estimates.push({
        ...estimateOf(target, before, after, target.index),
        action: change.action === 'disable' ? 'disable' : 'drop',
      });
    }
  } finally {
    await session.release();
  }
  return { available: true, notes, estimates };
}
