import os from 'node:os';
import type { Database } from '../connection/database.js';
import { dialectOf } from '../dialects/index.js';
import { SafeIndexError } from '../errors.js';
import type { StepAction } from '../model/change.js';
import { ReplicaGate, type ReplicaGateSettings, replicaLagCode } from '../replicas/gate.js';
import { ensureStateTables } from '../state/migrate.js';
import { createRun, updateRun } from '../state/runs.js';
import { type ExecutionConnections, openExecution } from './connections.js';
import { markInterruptedRuns, repairInterruptedRuns } from './recovery.js';
import { renderRollbackScript } from './rollback-script.js';
import { checkWritableDir, createRunFile, type RunFile, runFileBase } from './run-files.js';
import { acquireRunLock } from './run-lock.js';
import { RunRecorder, runForward, runReverse } from './run-steps.js';
import {
  type ApplyResult,
  type ExecutionSettings,
  type ExecutionSink,
  type ExecutionStep,
  type PreparedApply,
  type RunProblem,
  silentSink,
  type VerifyEntry,
  type VerifyHook,
} from './types.js';

/** How `apply` runs. */
export interface ApplyOptions {
  settings: ExecutionSettings;
  /** How long to wait for another run's lock. */
  waitMs: number;
  /** Directory that receives `<database>-<run-id>.sql` (checked before the run lock is taken). */
  rollbackDir: string;
  /** Undo the steps of this run that were applied when a later step fails (default true). */
  rollbackOnFailure?: boolean;
  /** Plans the steps; called once the run lock is held, so it sees what an earlier run did. */
  prepare(): Promise<PreparedApply>;
  /** Asked before any statement runs when there is something to do; false aborts the run. */
  confirm?(steps: readonly ExecutionStep[]): Promise<boolean>;
  /** Before/after measurement around the DDL. */
  verify?: VerifyHook;
  /** The lag gate: wait for replicas before each step and after the last (none when absent). */
  replicaGate?: ReplicaGateSettings;
  sink?: ExecutionSink;
}

/** Who runs the tool, for the run record. */
function whoAmI(): { clientUser: string; clientHost: string } {
  let user = process.env.USER ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry: keep the environment's name
  }
  return { clientUser: user, clientHost: os.hostname() };
}

/**
 * Applies planned steps online under the run lock: records the run and each step, retries lock
 * timeouts, undoes this run's steps on failure (unless told not to), and writes the rollback script.
 */
export async function executeApply(db: Database, options: ApplyOptions): Promise<ApplyResult> {
  const sink = options.sink ?? silentSink;
  const executor = dialectOf(db).executor;
  await checkWritableDir(options.rollbackDir);
  const lock = await acquireRunLock(db, executor, options.waitMs, (holder) =>
    sink.log(`waiting for the run lock: ${holder}`),
  );
  try {
    // the DDL and monitor connections open while the state tables are checked and the steps planned
    const opening = openExecution(db, executor, options.settings, sink, lock);
    // awaited below (where a failure to open is thrown); this only keeps it from counting as unhandled meanwhile
    opening.catch(() => {});
    let connections: ExecutionConnections | undefined;
    try {
      await ensureStateTables(db, { runLockHeld: true });
      const stale = await markInterruptedRuns(db);
      for (const run of stale) sink.log(`run ${run.id} was interrupted; marked interrupted`);
      if (stale.length > 0) {
        connections = await opening;
        const repaired = await repairInterruptedRuns(db, executor, dialectOf(db), connections.ddl, stale);
        for (const line of repaired) sink.log(line);
      }
      const prepared = await options.prepare();
      connections = await opening;
      const steps = prepared.steps.filter(
        (step): step is ExecutionStep & { action: StepAction } => step.action !== 'noop',
      );
      if (steps.length > 0 && options.confirm && !(await options.confirm(steps))) {
        throw new SafeIndexError('aborted', 'apply aborted: not confirmed (use --yes to skip the question)');
      }
      const runId = await createRun(
        db,
        {
          command: 'apply',
          ...whoAmI(),
          target: db.target.display,
          flavor: db.server.flavor,
          serverVersion: db.server.version,
          planFiles: prepared.planFiles,
          savedPlanHash: prepared.savedPlanHash ?? null,
          fleetDeploy: prepared.fleetDeploy ?? null,
          lockConnectionId: lock.connectionId,
          lockTimeoutMs: options.settings.lockTimeoutMs,
          maxRetries: options.settings.maxRetries,
        },
        steps.map((step, ordinal) => ({ ...step, ordinal })),
      );
      await lock.identify(runId);
      await connections.identify(runId);
      const recorder = new RunRecorder(runId, sink);
      const errors: RunProblem[] = [];
      let verify: VerifyEntry[] = [];
      let outcomes: ApplyResult['steps'] = [];
      // the rollback file exists before the first DDL: a directory that cannot take it stops the run here
      let file: RunFile;
      try {
        file = await createRunFile(options.rollbackDir, runFileBase(db.server.database, runId), '.sql');
      } catch (error) {
        const message = (error as Error).message;
        await updateRun(db, runId, { status: 'failed', finishedAt: new Date(), error: message });
        const notRun = steps.map((step) => ({ step, status: 'not_run' as const, attempts: 0, durationMs: null }));
        return {
          runId,
          status: 'failed',
          steps: notRun,
          rollbackFile: null,
          errors: [{ code: 'rollback_dir', message }],
          verify,
        };
      }
      let replicas: ApplyResult['replicas'] = [];
      if (steps.length > 0) {
        await options.verify?.before(steps);
        const gate = options.replicaGate ? new ReplicaGate(db, options.replicaGate, sink) : undefined;
        let forward: Awaited<ReturnType<typeof runForward>>;
        try {
          forward = await runForward(db, connections, runId, steps, recorder, gate);
        } finally {
          await gate?.close();
        }
        if (gate) {
          replicas = gate.lags();
          forward.outcomes.forEach((outcome, ordinal) => {
            if (outcome.status !== 'not_run') outcome.replicas = gate.stepLags(ordinal);
          });
        }
        outcomes = forward.outcomes;
        if (forward.problem) errors.push(forward.problem);
        else if (options.verify) {
          const measured = await options.verify.after(steps);
          verify = measured.entries;
          errors.push(...measured.problems);
        }
        // without the run lock or the run record, nothing more is changed: the next apply sees the state
        // nor when a replica stayed behind: undoing would be one more change for it to replay
        const stopped = errors.some(
          (e) => e.code === 'run_lock_lost' || e.code === 'state_lost' || e.code === replicaLagCode,
        );
        if (errors.length > 0 && options.rollbackOnFailure !== false && !stopped) {
          const applied = outcomes.flatMap((o, ordinal) => (o.status === 'applied' ? [{ ordinal, step: o.step }] : []));
          if (applied.length > 0) sink.log(`undoing the ${applied.length} step(s) this run applied`);
          const reverse = await runReverse(db, connections, runId, applied, recorder);
          for (const { ordinal } of applied.slice(applied.length - reverse.undone))
            outcomes[ordinal]!.status = 'rolled_back';
          if (reverse.problem) errors.push({ ...reverse.problem, message: `undo failed: ${reverse.problem.message}` });
        }
      }
      const status = errors.length > 0 ? 'failed' : steps.length === 0 ? 'noop' : 'applied';
      const stillApplied = outcomes.filter((o) => o.status === 'applied').map((o) => o.step);
      const script = renderRollbackScript(
        { runId, date: new Date(), target: db.target.display, server: db.server },
        stillApplied,
        executor,
        options.settings,
      );
      let rollbackFile: string | null = file.path;
      try {
        await file.write(script);
      } catch (error) {
        rollbackFile = null;
        errors.push({
          code: 'rollback_dir',
          message: `${(error as Error).message}; the rollback script is stored with run ${runId} in the database (safe-index rollback --run ${runId} --dry-run prints it)`,
        });
      }
      await recorder.write('the outcome', () =>
        updateRun(db, runId, {
          status,
          finishedAt: new Date(),
          rollbackFile,
          rollbackScript: script,
          error: errors.length > 0 ? errors.map((e) => e.message).join('\n') : null,
        }),
      );
      const unrecorded = recorder.problem();
      if (unrecorded && !errors.some((e) => e.code === unrecorded.code)) errors.push(unrecorded);
      return {
        runId,
        status: unrecorded ? 'failed' : status,
        steps: outcomes,
        rollbackFile,
        errors,
        verify,
        replicas,
      };
    } finally {
      await (connections ?? (await opening.catch(() => undefined)))?.close();
    }
  } finally {
    await lock.release();
  }
}
