import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import { errorCodeOf, SafeIndexError } from '../errors.js';
import { defaultSettings } from '../plan-file/types.js';
import { oneLine } from '../render/one-line.js';
import { ReplicaGate, type ReplicaGateSettings, type ReplicaLag } from '../replicas/gate.js';
import { ensureStateTables, stateTablesExist } from '../state/migrate.js';
import {
  getRun,
  laterAppliedSteps,
  latestUndoableRun,
  newestRun,
  type RunRecord,
  runSteps,
  type StepRecord,
  updateRun,
} from '../state/runs.js';
import { openExecution } from './connections.js';
import { dropTemporaryLeftovers, markInterruptedRuns } from './recovery.js';
import { renderRolledBackScript } from './rollback-script.js';
import { checkWritableDir, createRunFile, runFileBase } from './run-files.js';
import { acquireRunLock } from './run-lock.js';
import { runReverse } from './run-steps.js';
import { type ExecutionSettings, type ExecutionSink, type RunProblem, silentSink } from './types.js';

/** How `rollback` runs. */
export interface RollbackOptions {
  /** The run to undo; default the newest run that still has applied steps. */
  runId?: number;
  /**
   * Without `runId`, undo only the newest recorded run (a fleet's rollback): when that run has nothing
   * applied (a noop, a failed run undone, a run already rolled back) there is nothing to undo, and an
   * older run is never reached.
   */
  newestRunOnly?: boolean;
  /** With `newestRunOnly`: the newest run is undone only when it was part of this fleet apply. */
  fleetDeploy?: string;
  /** Only report the statements that would run. */
  dryRun?: boolean;
  /** How statements run; a lock timeout or retry count left out is taken from the run being undone. */
  settings: Omit<ExecutionSettings, 'lockTimeoutMs' | 'maxRetries'> & Partial<ExecutionSettings>;
  waitMs: number;
  sink?: ExecutionSink;
  /** Receives `<database>-<run-id>.rolled-back.sql`, what the rollback ran (checked before anything runs). */
  rollbackDir?: string;
  /** Asked before anything runs, with the statements that will run; false aborts. */
  confirm?(runId: number, steps: readonly UndoStep[]): Promise<boolean>;
  /** Undo the run even when a later run that is not rolled back changed one of its indexes (a warning then). */
  force?: boolean;
  /** The lag gate: wait for replicas before each undo step and after the last (none when absent). */
  replicaGate?: ReplicaGateSettings;
}

/** One step to undo, with its reverse statements. */
export interface UndoStep {
  ordinal: number;
  action: StepRecord['action'];
  table: string;
  index: string;
  sql: string[];
}

/** Outcome of `rollback`. */
export interface RollbackResult {
  /** The run undone (null: nothing to undo). */
  runId: number | null;
  status: 'rolled_back' | 'nothing_to_undo' | 'dry_run' | 'failed';
  steps: UndoStep[];
  errors: RunProblem[];
  /** Where what the rollback ran was written (`rollbackDir`), if it was. */
  rolledBackFile?: string;
  /** What `force` overrode: later runs that changed the same indexes. */
  warnings?: string[];
  /** The largest lag seen on each replica while undoing (lag gate). */
  replicas?: ReplicaLag[];
}

async function chooseRun(
  db: Database,
  runId: number | undefined,
  options: RollbackOptions,
): Promise<RunRecord | undefined> {
  if (runId === undefined && options.newestRunOnly) {
    const newest = await newestRun(db);
    if (newest && options.fleetDeploy !== undefined && newest.fleetDeploy !== options.fleetDeploy) {
      options.sink?.log(
        `run ${newest.id}, the newest, was not made by the fleet apply being undone: nothing undone here`,
      );
      return undefined;
    }
    return newest;
  }
  if (runId === undefined) return latestUndoableRun(db);
  const run = await getRun(db, runId);
  if (!run) throw new SafeIndexError('no_such_run', `run ${runId} is not recorded in this database`);
  return run;
}

/** The steps of a run that are applied, in run order. */
function appliedSteps(records: readonly StepRecord[]): StepRecord[] {
  return records.filter((step) => step.status === 'applied');
}

/** What undoing the applied steps runs, last step first. */
function undoSteps(applied: readonly StepRecord[]): UndoStep[] {
  return [...applied].reverse().map((step) => ({
    ordinal: step.ordinal,
    action: step.action,
    table: step.table.name,
    index: step.index,
    sql: step.rollback,
  }));
}

/**
 * Checks every stored reverse statement of the steps to undo before anything runs: a statement that is
 * not index DDL of its step's kind, on its table and index, stops the rollback naming the step.
 */
async function checkStoredRollbacks(db: Database, runId: number, applied: readonly StepRecord[]): Promise<void> {
  const executor = dialectOf(db).executor;
  const refused: string[] = [];
  for (const step of applied) {
    for (const [n, statement] of step.rollback.entries()) {
      const reason = await executor.checkStoredRollback(db, step, statement);
      if (reason) {
        refused.push(
          `step ${step.ordinal + 1} (${step.action} ${oneLine(step.index)} on ${oneLine(step.table.name)}), statement ${n + 1}: ${reason}: ${oneLine(statement)}`,
        );
      }
    }
  }
  if (refused.length > 0) {
    throw new SafeIndexError(
      'rollback_refused',
      `run ${runId} cannot be rolled back: its stored reverse SQL is not what the tool records, so nothing was run ` +
        `(was safe_index_steps edited?):\n  ${refused.join('\n  ')}`,
    );
  }
}

/** Index names compare without case: MySQL/MariaDB index names are case-insensitive (a rare extra refusal on PostgreSQL). */
function sameIndex(a: StepRecord, b: StepRecord): boolean {
  const key = (step: StepRecord) => JSON.stringify([step.table.schema, step.table.name, step.index.toLowerCase()]);
  return key(a) === key(b);
}

/**
 * Later runs, not rolled back, that changed an index this run's applied steps changed: undoing this run
 * first would undo their change too (and leave their own rollback to fail half way). Refused with
 * `rollback_order`, naming them, unless `force`; then the sentences are returned as warnings.
 */
async function checkRollbackOrder(
  db: Database,
  runId: number,
  applied: readonly StepRecord[],
  force: boolean,
): Promise<string[]> {
  const later = (await laterAppliedSteps(db, runId)).filter((step) => applied.some((mine) => sameIndex(mine, step)));
  if (later.length === 0) return [];
  const runs = [...new Set(later.map((step) => step.runId))];
  const what = later.map(
    (step) => `run ${step.runId} (${oneLine(step.action)} ${oneLine(step.index)} on ${oneLine(step.table.name)})`,
  );
  const sentence = `a later run changed the same index: ${what.join(', ')}`;
  if (force) {
    return [
      `--force: run ${runId} is undone although ${sentence}; its undo also undoes what they did to it, and their own rollback may then fail`,
    ];
  }
  throw new SafeIndexError(
    'rollback_order',
    `run ${runId} cannot be rolled back first: ${sentence}. Roll back ${runs.map((id) => `run ${id}`).join(', then ')} first ` +
      `(newest first: safe-index rollback --run ${Math.max(...runs)}), or give --force to undo run ${runId} anyway`,
  );
}

/** Undoes a recorded run online: reverse statements of its applied steps, last first, under the run lock. */
export async function executeRollback(db: Database, options: RollbackOptions): Promise<RollbackResult> {
  const sink = options.sink ?? silentSink;
  if (options.dryRun) {
    if (!(await stateTablesExist(db))) return { runId: null, status: 'nothing_to_undo', steps: [], errors: [] };
    const run = await chooseRun(db, options.runId, options);
    const applied = run ? appliedSteps(await runSteps(db, run.id)) : [];
    const steps = undoSteps(applied);
    if (!run || steps.length === 0) return { runId: run?.id ?? null, status: 'nothing_to_undo', steps, errors: [] };
    const warnings = await checkRollbackOrder(db, run.id, applied, options.force ?? false);
    for (const warning of warnings) sink.log(`warning: ${warning}`);
    await checkStoredRollbacks(db, run.id, applied);
    return { runId: run.id, status: 'dry_run', steps, errors: [], ...(warnings.length > 0 ? { warnings } : {}) };
  }
  // a database the tool never ran on has nothing to undo; its state tables are not created for that
  if (options.runId === undefined && !(await stateTablesExist(db)))
    return { runId: null, status: 'nothing_to_undo', steps: [], errors: [] };
  const executor = dialectOf(db).executor;
  if (options.rollbackDir) await checkWritableDir(options.rollbackDir);
  const lock = await acquireRunLock(db, executor, options.waitMs, (holder) =>
    sink.log(`waiting for the run lock: ${holder}`),
  );
  try {
    await ensureStateTables(db, { runLockHeld: true });
    await markInterruptedRuns(db);
    const run = await chooseRun(db, options.runId, options);
    const applied = run ? appliedSteps(await runSteps(db, run.id)) : [];
    const steps = undoSteps(applied);
    if (!run || steps.length === 0) return { runId: run?.id ?? null, status: 'nothing_to_undo', steps, errors: [] };
    const irreversible = applied.filter((step) => step.rollback.length === 0);
    if (irreversible.length > 0) {
      throw new SafeIndexError(
        'irreversible',
        `run ${run.id} cannot be undone: ${irreversible.map((s) => `${s.action} ${s.index}`).join(', ')} has no reverse SQL`,
      );
    }
    const warnings = await checkRollbackOrder(db, run.id, applied, options.force ?? false);
    for (const warning of warnings) sink.log(`warning: ${warning}`);
    const warned = warnings.length > 0 ? { warnings } : {};
    await checkStoredRollbacks(db, run.id, applied);
    if (options.confirm && !(await options.confirm(run.id, steps))) {
      throw new SafeIndexError('aborted', 'rollback aborted: not confirmed (use --yes to skip the question)');
    }
    const settings: ExecutionSettings = {
      ...options.settings,
      lockTimeoutMs: options.settings.lockTimeoutMs ?? run.lockTimeoutMs ?? defaultSettings.lockTimeoutMs,
      maxRetries: options.settings.maxRetries ?? run.maxRetries ?? defaultSettings.maxRetries,
    };
    const file = options.rollbackDir
      ? await createRunFile(options.rollbackDir, runFileBase(db.server.database, run.id), '.rolled-back.sql')
      : undefined;
    const connections = await openExecution(db, executor, settings, sink, lock);
    try {
      // an interrupted replace or rollback may have left the temporary name the undo builds under
      const cleared = await dropTemporaryLeftovers(db, connections, applied).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (cleared) {
        const problem: RunProblem = {
          code: errorCodeOf(cleared),
          message: `the leftover under the temporary name could not be dropped before the undo: ${(cleared as Error).message}`,
        };
        await updateRun(db, run.id, { error: `rollback failed: ${problem.message}` });
        return { runId: run.id, status: 'failed', steps, errors: [problem], ...warned };
      }
      const gate = options.replicaGate ? new ReplicaGate(db, options.replicaGate, sink) : undefined;
      let reverse: Awaited<ReturnType<typeof runReverse>>;
      try {
        reverse = await runReverse(
          db,
          connections,
          run.id,
          applied.map((step) => ({ ordinal: step.ordinal, step })),
          undefined,
          gate,
        );
      } finally {
        await gate?.close();
      }
      const replicas = gate ? { replicas: gate.lags() } : {};
      if (reverse.problem) {
        const note = `-- this rollback failed: ${oneLine(reverse.problem.message)}\n`;
        await file?.write(note + renderRolledBackScript(run.id, db.target.display, steps)).catch(() => {});
        await updateRun(db, run.id, { error: `rollback failed: ${reverse.problem.message}` });
        return { runId: run.id, status: 'failed', steps, errors: [reverse.problem], ...warned, ...replicas };
      }
      await updateRun(db, run.id, { status: 'rolled_back', rolledBackAt: new Date() });
      if (!file) return { runId: run.id, status: 'rolled_back', steps, errors: [], ...warned, ...replicas };
      try {
        await file.write(renderRolledBackScript(run.id, db.target.display, steps));
        return {
          runId: run.id,
          status: 'rolled_back',
          steps,
          errors: [],
          rolledBackFile: file.path,
          ...warned,
          ...replicas,
        };
      } catch (error) {
        const message = `${(error as Error).message}; the run is recorded as rolled back in the database`;
        return {
          runId: run.id,
          status: 'rolled_back',
          steps,
          errors: [{ code: 'rollback_dir', message }],
          ...warned,
          ...replicas,
        };
      }
    } finally {
      await connections.close();
    }
  } finally {
    await lock.release();
  }
}
