import type { Database } from '../connection/database.js';
import { updateStep } from '../state/runs.js';
import { checkDuplicateKeys, defaultDuplicateCheckTimeoutMs } from './duplicate-check.js';
import { runStatements, type StatementContext, StatementFailure } from './statements.js';
import type { ExecutionStep, RunProblem, StepOutcome } from './types.js';

/** Label of a step in logs and messages. */
function stepLabel(step: ExecutionStep, direction: 'forward' | 'reverse' = 'forward'): string {
  const verb = direction === 'forward' ? step.action : `undo ${step.action}`;
  return `${verb} ${step.index} on ${step.table.name}`;
}

/** The problem a failed statement reports. */
function problemOf(step: ExecutionStep, error: unknown): RunProblem {
  return {
    message: (error as Error).message ?? String(error),
    code: error instanceof StatementFailure ? error.failure.kind : 'other',
    index: step.index,
    table: step.table.name,
  };
}

/**
 * After statement `k` of a multi-statement step failed for good, runs the step's per-statement undo
 * from `k-1` down to 0 so that nothing half-built stays (e.g. a replacement's temporary index).
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
): Promise<{ outcomes: StepOutcome[]; problem?: RunProblem }> {
  const outcomes: StepOutcome[] = steps.map((step) => ({ step, status: 'not_run', attempts: 0, durationMs: null }));
  for (const [ordinal, step] of steps.entries()) {
    const outcome = outcomes[ordinal]!;
    const started = Date.now();
    const label = stepLabel(step);
    context.sink.log(`${label} ...`);
    await updateStep(db, runId, ordinal, { status: 'running', startedAt: new Date(), connectionId: context.ddl.id });
    try {
      const checkTimeoutMs = context.settings.duplicateCheckTimeoutMs;
      if (checkTimeoutMs !== null) {
        const timeoutMs = checkTimeoutMs ?? defaultDuplicateCheckTimeoutMs;
        await checkDuplicateKeys(db, context.executor, step, timeoutMs, label, `run ${runId} duplicate check`);
      }
      outcome.attempts = await runStatements(context, step.sql, step.table, label, (done, attempts) =>
        updateStep(db, runId, ordinal, { statementsDone: done, attempts }),
      );
      outcome.status = 'applied';
      outcome.durationMs = Date.now() - started;
      await updateStep(db, runId, ordinal, {
        status: 'applied',
        finishedAt: new Date(),
        durationMs: outcome.durationMs,
        attempts: outcome.attempts,
      });
      context.sink.log(`${label}: done in ${outcome.durationMs}ms`);
    } catch (error) {
      const problem = problemOf(step, error);
      const partial = await undoPartialStep(context, step, error, label);
      if (partial) problem.message = `${problem.message}; ${partial}`;
      outcome.status = 'failed';
      outcome.durationMs = Date.now() - started;
      outcome.attempts = error instanceof StatementFailure ? error.attempts : outcome.attempts + 1;
      outcome.error = problem.message;
      await updateStep(db, runId, ordinal, {
        status: 'failed',
        finishedAt: new Date(),
        durationMs: outcome.durationMs,
        attempts: outcome.attempts,
        error: problem.message,
      });
      return { outcomes, problem };
    }
  }
  return { outcomes };
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
): Promise<{ undone: number; problem?: RunProblem }> {
  let undone = 0;
  for (const { ordinal, step } of [...applied].reverse()) {
    const label = stepLabel(step, 'reverse');
    context.sink.log(`${label} ...`);
    try {
      await runStatements(context, step.rollback, step.table, label, async () => {});
      await updateStep(db, runId, ordinal, { status: 'rolled_back' });
      undone += 1;
    } catch (error) {
      return { undone, problem: problemOf(step, error) };
    }
  }
  return { undone };
}
