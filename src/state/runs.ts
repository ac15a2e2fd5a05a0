import type { Database } from '../connection/database.js';
import type { StepAction } from '../model/change.js';
import type { TableRef } from '../model/schema.js';
import type { PlanFileInfo } from '../plan-file/types.js';
import { runsTable, stepsTable } from './migrate.js';
import { column, insertRow, insertRows, selectRows, updateRows, type Value } from './statements.js';

/** Outcome of a recorded run. `running` while it holds the run lock. */
export type RunStatus = 'running' | 'applied' | 'failed' | 'rolled_back' | 'interrupted' | 'noop';

/** Outcome of one step; `running` only while its statement executes. */
export type StepStatus = 'not_run' | 'running' | 'applied' | 'failed' | 'rolled_back';

/** One recorded apply run. */
export interface RunRecord {
  id: number;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
  clientUser: string;
  clientHost: string;
  target: string;
  flavor: string;
  serverVersion: string;
  planFiles: PlanFileInfo[];
  lockConnectionId: number | null;
  rollbackFile: string | null;
  rollbackScript: string | null;
  error: string | null;
  /** Lock timeout and retries the run's statements used (null for runs recorded before they were kept). */
  lockTimeoutMs: number | null;
  maxRetries: number | null;
  /** Hash of the saved plan the run applied (`apply FILE`); null when it planned at apply time. */
  savedPlanHash: string | null;
  /** The fleet apply (`apply --targets`) the run was part of; null for a single-database apply. */
  fleetDeploy: string | null;
}

/** One recorded step of a run: the change, its SQL both ways, and what happened. */
export interface StepRecord {
  runId: number;
  ordinal: number;
  /**
   * The action the run recorded (never `noop`: apply records only steps with statements). Read back
   * from a table anyone with write access can edit, so the rollback checks each stored statement
   * against it (`StoredRollback`) and prints it through `oneLine`.
   */
  action: StepAction;
  table: TableRef;
  index: string;
  sql: string[];
  rollback: string[];
  online: boolean;
  status: StepStatus;
  statementsDone: number;
  attempts: number;
  connectionId: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  error: string | null;
}

/** What a new run records about itself. */
export type NewRun = Pick<
  RunRecord,
  | 'clientUser'
  | 'clientHost'
  | 'target'
  | 'flavor'
  | 'serverVersion'
  | 'planFiles'
  | 'lockConnectionId'
  | 'lockTimeoutMs'
  | 'maxRetries'
> & { command: 'apply'; savedPlanHash?: string | null; fleetDeploy?: string | null };

/** What a new step records before it runs. */
export type NewStep = Pick<StepRecord, 'ordinal' | 'action' | 'table' | 'index' | 'sql' | 'rollback' | 'online'>;

type Row = Record<string, unknown>;

const date = (value: unknown): Date | null => (value == null ? null : new Date(value as string));
const num = (value: unknown): number | null => (value == null ? null : Number(value));

function toRun(row: Row): RunRecord {
  return {
    id: Number(row.id),
    status: row.status as RunStatus,
    startedAt: new Date(row.started_at as string),
    finishedAt: date(row.finished_at),
    rolledBackAt: date(row.rolled_back_at),
    clientUser: String(row.client_user),
    clientHost: String(row.client_host),
    target: String(row.target),
    flavor: String(row.flavor),
    serverVersion: String(row.server_version),
    planFiles: JSON.parse(String(row.plan_files)) as PlanFileInfo[],
    lockConnectionId: num(row.lock_connection_id),
    rollbackFile: (row.rollback_file as string | null) ?? null,
    rollbackScript: (row.rollback_script as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    lockTimeoutMs: num(row.lock_timeout_ms),
    maxRetries: num(row.max_retries),
    savedPlanHash: (row.saved_plan_hash as string | null) ?? null,
    fleetDeploy: (row.fleet_deploy as string | null) ?? null,
  };
}

function toStep(row: Row): StepRecord {
  return {
    runId: Number(row.run_id),
    ordinal: Number(row.ordinal),
    action: row.action as StepAction,
    table: { schema: String(row.table_schema), name: String(row.table_name) },
    index: String(row.index_name),
    sql: JSON.parse(String(row.sql)) as string[],
    rollback: JSON.parse(String(row.rollback_sql)) as string[],
    online: Boolean(Number(row.online)),
    status: row.status as StepStatus,
    statementsDone: Number(row.statements_done),
    attempts: Number(row.attempts),
    connectionId: num(row.connection_id),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    durationMs: num(row.duration_ms),
    error: (row.error as string | null) ?? null,
  };
}

/** Records a new run with status `running` and its steps as `not_run`; returns the run id. */
export async function createRun(db: Database, run: NewRun, steps: readonly NewStep[]): Promise<number> {
  const id = await insertRow(db, runsTable, {
    command: run.command,
    status: 'running',
    started_at: new Date(),
    client_user: run.clientUser,
    client_host: run.clientHost,
    target: run.target,
    flavor: run.flavor,
    server_version: run.serverVersion,
    plan_files: JSON.stringify(run.planFiles),
    lock_connection_id: run.lockConnectionId ?? null,
    lock_timeout_ms: run.lockTimeoutMs ?? null,
    max_retries: run.maxRetries ?? null,
    saved_plan_hash: run.savedPlanHash ?? null,
    fleet_deploy: run.fleetDeploy ?? null,
  });
  await insertRows(
    db,
    stepsTable,
    steps.map((step) => ({
      run_id: id,
      ordinal: step.ordinal,
      action: step.action,
      table_schema: step.table.schema,
      table_name: step.table.name,
      index_name: step.index,
      sql: JSON.stringify(step.sql),
      rollback_sql: JSON.stringify(step.rollback),
      online: step.online,
      status: 'not_run',
    })),
  );
  return id;
}

/** Step fields a run updates as it goes, and their columns. */
const stepColumns = {
  status: 'status',
  statementsDone: 'statements_done',
  attempts: 'attempts',
  connectionId: 'connection_id',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  durationMs: 'duration_ms',
  error: 'error',
} as const satisfies Partial<Record<keyof StepRecord, string>>;

/** Run fields updated once it ends or is undone, and their columns. */
const runColumns = {
  status: 'status',
  finishedAt: 'finished_at',
  rolledBackAt: 'rolled_back_at',
  rollbackFile: 'rollback_file',
  rollbackScript: 'rollback_script',
  error: 'error',
} as const satisfies Partial<Record<keyof RunRecord, string>>;

/** The columns of the fields a patch sets (fields left undefined are not touched). */
function columnsOf(patch: object, columns: Record<string, string>): Record<string, Value> {
  return Object.fromEntries(
    Object.entries(patch)
      .filter(([field, value]) => value !== undefined && field in columns)
      .map(([field, value]) => [columns[field], value as Value]),
  );
}

/** Updates what happened to one step. */
export async function updateStep(
  db: Database,
  runId: number,
  ordinal: number,
  patch: Partial<Pick<StepRecord, keyof typeof stepColumns>>,
): Promise<void> {
  await updateRows(db, stepsTable, columnsOf(patch, stepColumns), { run_id: runId, ordinal });
}

/** Updates a run's outcome. */
export async function updateRun(
  db: Database,
  runId: number,
  patch: Partial<Pick<RunRecord, keyof typeof runColumns>>,
): Promise<void> {
  await updateRows(db, runsTable, columnsOf(patch, runColumns), { id: runId });
}

/** One run by id. */
export async function getRun(db: Database, id: number): Promise<RunRecord | undefined> {
  const [row] = await selectRows(db, runsTable, { where: `${column(db, 'id')} = ?`, bindings: [id] });
  return row ? toRun(row) : undefined;
}

/** The newest recorded run, whatever its status. */
export async function newestRun(db: Database): Promise<RunRecord | undefined> {
  const [row] = await selectRows(db, runsTable, { order: `${column(db, 'id')} desc`, limit: 1 });
  return row ? toRun(row) : undefined;
}

/** Every run, newest first. */
export async function listRuns(db: Database, limit = 1000): Promise<RunRecord[]> {
  const rows = await selectRows(db, runsTable, { order: `${column(db, 'id')} desc`, limit });
  return rows.map(toRun);
}

/** The runs that applied the saved plan with this hash, newest first. */
export async function runsOfSavedPlan(db: Database, hash: string): Promise<RunRecord[]> {
  const rows = await selectRows(db, runsTable, {
    where: `${column(db, 'saved_plan_hash')} = ?`,
    bindings: [hash],
    order: `${column(db, 'id')} desc`,
  });
  return rows.map(toRun);
}

/** Runs still marked `running`. */
export async function runningRuns(db: Database): Promise<RunRecord[]> {
  const rows = await selectRows(db, runsTable, { where: `${column(db, 'status')} = ?`, bindings: ['running'] });
  return rows.map(toRun);
}

/** The steps of a run in order. */
export async function runSteps(db: Database, runId: number): Promise<StepRecord[]> {
  const rows = await selectRows(db, stepsTable, {
    where: `${column(db, 'run_id')} = ?`,
    bindings: [runId],
    order: column(db, 'ordinal'),
  });
  return rows.map(toStep);
}

/** Step counts per run, for listings. */
export async function stepCounts(db: Database): Promise<Map<number, number>> {
  const runId = column(db, 'run_id');
  const rows = await db.query(
    `select ${runId} as run_id, count(*) as n from ${column(db, stepsTable)} group by ${runId}`,
  );
  return new Map(rows.map((row) => [Number(row.run_id), Number(row.n)]));
}

/** The newest run that still has applied steps (applied, failed or interrupted part-way). */
export async function latestUndoableRun(db: Database): Promise<RunRecord | undefined> {
  const q = (name: string) => column(db, name);
  const [row] = await db.query(
    `select r.* from ${q(runsTable)} r where r.${q('status')} in (?, ?, ?) and exists ` +
      `(select 1 from ${q(stepsTable)} s where s.${q('run_id')} = r.${q('id')} and s.${q('status')} = ?) ` +
      `order by r.${q('id')} desc limit 1`,
    ['applied', 'failed', 'interrupted', 'applied'],
  );
  return row ? toRun(row) : undefined;
}

/**
 * Steps of runs after `runId` that are still applied (their run not rolled back), oldest first: what a
 * rollback of `runId` must not undo from under them when they changed the same index.
 */
export async function laterAppliedSteps(db: Database, runId: number): Promise<StepRecord[]> {
  const rows = await selectRows(db, stepsTable, {
    where: `${column(db, 'run_id')} > ? and ${column(db, 'status')} = ?`,
    bindings: [runId, 'applied'],
    order: `${column(db, 'run_id')} asc, ${column(db, 'ordinal')} asc`,
  });
  return rows.map(toStep);
}
