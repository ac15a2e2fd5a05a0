import type { ServerInfo } from '../connection/database.js';
import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { dialectOf } from '../dialects/index.js';
import { PlanError } from '../errors.js';
import { loadPlans } from '../plan-file/load.js';
import { checkVerifyQueriesOnTarget } from '../verify-sql/check.js';
import { assertPlanFields } from '../verify-sql/fields.js';
import { judgeNow } from './judge.js';
import { measureQueries } from './measure.js';
import { verifyTargets } from './targets.js';
import type { ExplainEntry } from './types.js';

/** What `explain` times: the verify queries of these plans, on this target. */
export interface ExplainRequest extends TargetOptions {
  /** Plan files or folders (default `index-plans/`). */
  paths?: string[];
  /** Timed runs per query; default the plans' `explain_runs`. */
  runs?: number;
  statementTimeoutMs?: number;
  /** Progress lines (stderr in the CLI). */
  log?(line: string): void;
}

/** The verify queries timed now, with their plans and whether each `expect` holds. */
export interface ExplainReport {
  server: ServerInfo;
  /** Target as it may be printed (no password). */
  target: string;
  runs: number;
  entries: ExplainEntry[];
}

/** True when every query was measured and every `expect` holds. */
export function explainPassed(report: ExplainReport): boolean {
  return report.entries.every((entry) => entry.failures.length === 0);
}

/**
 * Times every verify query of the plans now, changing nothing: each runs in a read-only transaction
 * that is rolled back. A query that is not a single read-only SELECT/WITH is a plan error.
 */
export async function explainReport(request: ExplainRequest): Promise<ExplainReport> {
  const plan = await loadPlans(request.paths ?? []);
  return withDatabase(
    request,
    async (db) => {
      const problems = await checkVerifyQueriesOnTarget(plan, db);
      if (problems.length > 0) throw new PlanError(problems);
      const runs = request.runs ?? plan.settings.explainRuns;
      const measured = await measureQueries(
        db,
        dialectOf(db).explain,
        db.server.flavor,
        verifyTargets(plan, db.server),
        {
          runs,
          ...(request.statementTimeoutMs !== undefined ? { statementTimeoutMs: request.statementTimeoutMs } : {}),
          onMeasured: ({ target }) => request.log?.(`timed: ${target.query.name}`),
        },
      );
      return { server: db.server, target: db.target.display, runs, entries: judgeNow(measured) };
    },
    (target) => assertPlanFields(plan, target.dialect),
  );
}
