import type { Database } from '../connection/database.js';
import { defaultDuplicateCheckTimeoutMs } from '../dialects/duplicate-query.js';
import { errorCodeOf } from '../errors.js';
import { updateStep } from '../state/runs.js';
import { checkDuplicateKeys } from './duplicate-check.js';
import { runStatements, type StatementContext, StatementFailure } from './statements.js';
import type { ExecutionSink, ExecutionStep, RunProblem, StepGate, StepOutcome } from './types.js';

/** True for a step that builds an index (its cost is reported). */
function builds(step: ExecutionStep): boolean {
  return step.action === 'create' || step.action === 'replace';
}

/** WAL written since `walBefore` (PostgreSQL) and the size of the index built; what cannot be read is left out. */
async function buildCost(
  db: Database,
  context: StatementContext,
  step: ExecutionStep,
  walBefore: string | null,
): Promise<Pick<StepOutcome, 'walBytes' | 'indexBytes'>> {
  const { executor } = context;
  const cost: Pick<StepOutcome, 'walBytes' | 'indexBytes'> = {};
  try {
    const walAfter = walBefore === null ? null : await executor.walPosition(db);
    if (walBefore !== null && walAfter !== null) cost.walBytes = await executor.walBytes(db, walBefore, walAfter);
    const size = await executor.indexBytes(db, step.table, step.index);
    if (size !== null) cost.indexBytes = size;
  } catch {
    // the cost is a report, never a reason to fail the step
  }
  return cost;
}

/** Label of a step in logs and messages. */
function stepLabel(step: ExecutionStep, direction: 'forward' | 'reverse' = 'forward'): string {
  const verb = direction === 'forward' ? step.action : `undo ${step.action}`;
  return `${verb} ${step.index} on ${step.table.name}`;
}

/** The problem a failed step reports: its error's code, `internal` for an error the tool did not raise on purpose. */
function problemOf(step: ExecutionStep, error: unknown): RunProblem {
  const blockers = error instanceof StatementFailure ? error.blockers : [];
  return {
    message: (error as Error).message ?? String(error),
    code: errorCodeOf(error),
    index: step.index,
    table: step.table.name,
    ...(blockers.length > 0 ? { blockers } : {}),
  };
}

/**
 * Writes to the run record that survive a lost state connection: a failed write is said on the sink
 * (stderr) and remembered, so the run stops after the current step and the next apply marks it
 * interrupted.
 */
export class RunRecorder {
  private failure: string | null = null;
  constructor(
    private readonly runId: number,
    private readonly sink: Pick<ExecutionSink, 'log'>,
  ) {}
  /** Why recording failed, if it did. */
  get lost(): string | null {
    return this.failure;
  }
  async write(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      const message = (error as Error).message;
      this.sink.log(
        `could not record ${what} of run ${this.runId} (${message}); no further step starts, and the next apply marks the run interrupted`,
      );
      this.failure ??= message;
    }
  }
  /** The problem that ends the run once recording failed. */
  problem(): RunProblem | undefined {
    if (this.failure === null) return undefined;
    return {
      code: 'state_lost',
      message: `the run could not be recorded in the database (${this.failure}); it stopped, and the next apply marks run ${this.runId} interrupted`,
    };
  }
}

/**
 * After statement `k` of a multi-statement step failed for good, runs the step's per-statement undo
 * from `k-1` down to 0 so that nothing half-built stays (e.g. a replacement's temporary index), on a
 * DDL connection that answers (a new one when the failure ended it). When the failed statement left
 * an index INVALID that was valid (an interrupted drop of a replaced index), what the step built is
 * kept instead: it is then the only usable index, and the next plan finishes the change from it.
 * Returns a sentence for the error message, or undefined when there was nothing to undo.
 */
async function undoPartialStep(
  context: StatementContext,
  step: ExecutionStep,
  error: unknown,
  label: string,
): Promise<string | undefined> {
  if (!(error instanceof StatementFailure) || error.statementIndex === 0 || !step.undo) return undefined;
  const statements = step.undo.slice(0, error.statementIndex).reverse().flat();
  if (statements.length === 0) return undefined;
  if (error.invalidated.length > 0) {
    return `${error.invalidated.join(', ')} is INVALID now, so the ${error.statementIndex} statement(s) of this step that had run were kept, not undone: plan reports what is left, and apply finishes the change`;
  }
  context.sink.log(`${label}: undoing the ${error.statementIndex} statement(s) of this step that had run`);
  try {
    await runStatements(context, statements, step.table, `${label} (undo)`, async () => {});
    return `the ${error.statementIndex} statement(s) of this step that had run were undone`;
  } catch (undoError) {
    return `undoing the statements of this step that had run failed too: ${(undoError as Error).message}`;
  }
}

/**
 * Runs the forward statements of a run's steps in order, recording each step; stops at the first
 * failure and leaves the rest `not_run`. Returns one outcome per step.
 */
export async function runForward(
  db: Database,
  context: StatementContext,
  runId: number,
  steps: readonly ExecutionStep[],
  recorder: RunRecorder = new RunRecorder(runId, context.sink),
  gate?: StepGate,
): Promise<{ outcomes: StepOutcome[]; problem?: RunProblem }> {
  const outcomes: StepOutcome[] = steps.map((step) => ({ step, status: 'not_run', attempts: 0, durationMs: null }));
  for (const [ordinal, step] of steps.entries()) {
    const lost = recorder.problem();
    if (lost) return { outcomes, problem: lost };
    const outcome = outcomes[ordinal]!;
    const label = stepLabel(step);
    // replicas within max_replica_lag before the step starts (and so after the previous build)
    const behind = await gate?.beforeStep(ordinal, label, { index: step.index, table: step.table.name });
    if (behind) return { outcomes, problem: behind };
    const started = Date.now();
    context.sink.log(`${label} ...`);
    await recorder.write(`the start of step ${ordinal}`, () =>
      updateStep(db, runId, ordinal, { status: 'running', startedAt: new Date(), connectionId: context.ddl.id }),
    );
    try {
      const checkTimeoutMs = context.settings.duplicateCheckTimeoutMs;
      if (checkTimeoutMs !== null) {
        const timeoutMs = checkTimeoutMs ?? defaultDuplicateCheckTimeoutMs;
        await checkDuplicateKeys(db, context.executor, step, timeoutMs, label, `run ${runId} duplicate check`);
      }
      const walBefore = builds(step) ? await context.executor.walPosition(db).catch(() => null) : null;
      // each statement but the last is recorded as it ends; the last one with the end of the step
      outcome.attempts = await runStatements(context, step.sql, step.table, label, (done, attempts) =>
        done < step.sql.length
          ? recorder.write(`statement ${done} of step ${ordinal}`, () =>
              updateStep(db, runId, ordinal, { statementsDone: done, attempts }),
            )
          : Promise.resolve(),
      );
      outcome.status = 'applied';
      outcome.durationMs = Date.now() - started;
      if (builds(step)) Object.assign(outcome, await buildCost(db, context, step, walBefore));
      await recorder.write(`the end of step ${ordinal}`, () =>
        updateStep(db, runId, ordinal, { ...stepEnd(outcome), statementsDone: step.sql.length }),
      );
      context.sink.log(`${label}: done in ${outcome.durationMs}ms`);
    } catch (error) {
      const problem = problemOf(step, error);
      const partial = await undoPartialStep(context, step, error, label);
      if (partial) problem.message = `${problem.message}; ${partial}`;
      outcome.status = 'failed';
      outcome.durationMs = Date.now() - started;
      outcome.attempts = error instanceof StatementFailure ? error.attempts : outcome.attempts + 1;
      outcome.error = problem.message;
      await recorder.write(`the failure of step ${ordinal}`, () => updateStep(db, runId, ordinal, stepEnd(outcome)));
      return { outcomes, problem };
    }
  }
  const lost = recorder.problem();
  if (lost) return { outcomes, problem: lost };
  // the run ends when the replicas have replayed its last step too
  const last = steps.at(-1);
  const behind = last ? await gate?.afterLast(stepLabel(last)) : undefined;
  return behind ? { outcomes, problem: behind } : { outcomes };
}

/** What the run record keeps of a step that ended, applied or failed: now, how long, how many attempts, and why it failed. */
function stepEnd(outcome: StepOutcome) {
  return {
    status: outcome.status,
    finishedAt: new Date(),
    durationMs: outcome.durationMs,
    attempts: outcome.attempts,
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
}

/**
 * Runs the reverse statements of the given applied steps, last first, marking each `rolled_back`.
 * Stops at the first failure (the remaining steps stay `applied`).
 */
export async function runReverse(
  db: Database,
  context: StatementContext,
  runId: number,
  applied: readonly { ordinal: number; step: ExecutionStep }[],
  recorder: RunRecorder = new RunRecorder(runId, context.sink),
  gate?: StepGate,
): Promise<{ undone: number; problem?: RunProblem }> {
  let undone = 0;
  let label = '';
  for (const { ordinal, step } of [...applied].reverse()) {
    label = stepLabel(step, 'reverse');
    const behind = await gate?.beforeStep(undone, label, { index: step.index, table: step.table.name });
    if (behind) return { undone, problem: behind };
    context.sink.log(`${label} ...`);
    try {
      await runStatements(context, step.rollback, step.table, label, async () => {});
      await recorder.write(`the undo of step ${ordinal}`, () =>
        updateStep(db, runId, ordinal, { status: 'rolled_back' }),
      );
      undone += 1;
    } catch (error) {
      return { undone, problem: problemOf(step, error) };
    }
  }
  const behind = undone > 0 ? await gate?.afterLast(label) : undefined;
  return behind ? { undone, problem: behind } : { undone };
}
