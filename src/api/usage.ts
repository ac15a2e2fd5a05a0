import type { ServerInfo } from '../connection/database.js';
import type { TargetOptions } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { PlanError } from '../errors.js';
import { loadPlans } from '../plan-file/load.js';
import type { IndexPlan } from '../plan-file/types.js';
import { tableOf } from '../planner/resolve.js';
import { ensureStateTables } from '../state/migrate.js';
import { collectUsage, type UsageReport } from '../usage/collect.js';

/** What `usage` reads: which tables (the plans' or all), where, over which window, and whether to record. */
export interface UsageRequest extends TargetOptions {
  paths?: string[];
  /** Every indexed table of the default schema instead of the plans' tables. */
  all?: boolean;
  /** Store this reading as a snapshot. */
  record?: boolean;
  windowMs: number;
  replicas?: string[];
}

/** The usage report with the server it was read from. */
export type UsageReportWithServer = UsageReport & { server: ServerInfo; target: string };

async function plansIfAny(paths: string[] | undefined, all: boolean): Promise<IndexPlan | null> {
  try {
    return await loadPlans(paths ?? []);
  } catch (error) {
    // with --all the plans only mark which indexes are managed: none is fine
    if (all && error instanceof PlanError && error.problems.every((p) => p.code === 'plan_not_found')) return null;
    throw error;
  }
}

/** Reads index usage of the plans' tables (or all) on the primary and replicas; records a snapshot if asked. */
export async function usageReport(request: UsageRequest): Promise<UsageReportWithServer> {
  return usageLoaded(request, await usagePlans(request));
}

/** The plans `usage` reads (null with `--all` and no plan files). */
export function usagePlans(request: UsageRequest): Promise<IndexPlan | null> {
  return plansIfAny(request.paths, request.all ?? false);
}

/** `usageReport` with its plans already loaded (a fleet loads them once for every target). */
export async function usageLoaded(request: UsageRequest, plan: IndexPlan | null): Promise<UsageReportWithServer> {
  return withDatabase(request, async (db, dialect) => {
    const planned = (plan?.indexes ?? []).map((spec) => ({ table: tableOf(spec, db.server), name: spec.name }));
    const tables = request.all
      ? await dialect.listIndexedTables(db, db.server.defaultSchema)
      : [...new Map(planned.map(({ table }) => [`${table.schema}.${table.name}`, table])).values()];
    const live = await dialect.introspect(db, tables);
    if (request.record) await ensureStateTables(db);
    const report = await collectUsage(db, live, {
      replicas: request.replicas ?? [],
      windowMs: request.windowMs,
      record: request.record ?? false,
      managed: new Set(planned.map(({ table, name }) => `${table.schema}.${table.name}.${name}`)),
    });
    return { ...report, server: db.server, target: db.target.display };
  });
}
