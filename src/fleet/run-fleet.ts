import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { type PlanReportWithWhatIf, type PlanRequest, planLoaded } from '../api/plan.js';
import { type UsageReportWithServer, type UsageRequest, usageLoaded } from '../api/usage.js';
import { redact, targetFromUrl } from '../connection/target.js';
import { withDatabase } from '../connection/with-database.js';
import { PlanError, SafeIndexError } from '../errors.js';
import { type ApplyReport, type ApplyRequest, applyLoaded } from '../executor/apply-plans.js';
import { type HistoryEntry, readHistory } from '../executor/history.js';
import type { RollbackResult, UndoStep } from '../executor/rollback.js';
import { type RollbackRequest, rollbackRun } from '../executor/rollback-request.js';
import type { ExecutionSink } from '../executor/types.js';
import type { IndexPlan } from '../plan-file/types.js';
import { inSync } from '../planner/plan.js';
import type { ReportStep } from '../planner/types.js';
import { stateTablesExist } from '../state/migrate.js';
import { newestRun, type RunRecord } from '../state/runs.js';
import { assertPlanFields } from '../verify-sql/fields.js';
import type { Fleet, FleetTarget } from './file.js';
import { type FleetFailure, type FleetOutcome, type FleetStatus, runWaves } from './waves.js';

/** How a fleet command runs: the fleet, how many targets at once within a wave, where progress goes. */
export interface FleetRunOptions {
  fleet: Fleet;
  parallel: number;
  /** Progress of every target, each line prefixed with the target's name. */
  sink?: ExecutionSink;
}

/** A sink whose lines name the target and never carry a password of the fleet. */
function targetSink(sink: ExecutionSink | undefined, target: FleetTarget, secrets: readonly string[]): ExecutionSink {
  const tag = (line: string) => redact(`[${target.name}] ${line}`, secrets);
  return {
    log: (line) => sink?.log(tag(line)),
    progress: (line) => sink?.progress(tag(line)),
    progressIntervalMs: sink?.progressIntervalMs ?? 60_000,
  };
}

/** The outcome of a target whose command threw: `failed`, with the error's code and scrubbed message. */
function failedOutcome<R>(target: FleetTarget, error: unknown, secrets: readonly string[]): FleetOutcome<R> {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  const failure: FleetFailure = {
    code: error instanceof SafeIndexError ? error.code : 'internal',
    message,
    ...(error instanceof PlanError
      ? { problems: error.problems.map((p) => ({ ...p, message: redact(p.message, secrets) })) }
      : {}),
  };
  return { target, status: 'failed', run: null, error: message, result: { failure } };
}

/** Runs `work` on each target per the waves, turning a throw into a `failed` outcome. */
function eachTarget<R>(
  options: FleetRunOptions,
  walk: { stopOnFailure: boolean; reverse?: boolean },
  work: (target: FleetTarget, sink: ExecutionSink) => Promise<Omit<FleetOutcome<R>, 'target'>>,
): Promise<FleetOutcome<R>[]> {
  const { fleet } = options;
  const waves = fleet.waves.length;
  return runWaves<R>(fleet.waves, { parallel: options.parallel, ...walk }, async (target, wave) => {
    const sink = targetSink(options.sink, target, fleet.secrets);
    sink.log(`wave ${wave + 1}/${waves}: ${target.display}`);
    try {
      const outcome = { target, ...(await work(target, sink)) };
      sink.log(`${outcome.status}${outcome.run !== null ? ` (run ${outcome.run})` : ''}`);
      return { ...outcome, error: outcome.error === null ? null : redact(outcome.error, fleet.secrets) };
    } catch (error) {
      const outcome = failedOutcome<R>(target, error, fleet.secrets);
      sink.log(`failed: ${outcome.error}`);
      return outcome;
    }
  });
}

/** Checks the plans' `where`, expressions and verify queries for every kind of server in the fleet, before any connection. */
export async function assertFleetPlanFields(fleet: Fleet, plan: IndexPlan): Promise<void> {
  for (const dialect of new Set(fleet.targets.map((target) => targetFromUrl(target.url).dialect)))
    await assertPlanFields(plan, dialect);
}

const problemsText = (problems: readonly { message: string }[]) => problems.map((p) => p.message).join('; ');

/** `plan --targets`: every target is planned (a dry run, none skipped): `in_sync`, `pending` or `failed`. */
export async function planFleet(
  options: FleetRunOptions,
  plan: IndexPlan,
  request: Omit<PlanRequest, 'url' | 'knexfile' | 'env' | 'paths' | 'out' | 'replicas'>,
): Promise<FleetOutcome<PlanReportWithWhatIf>[]> {
  await assertFleetPlanFields(options.fleet, plan);
  return eachTarget(options, { stopOnFailure: false }, async (target) => {
    const report = await planLoaded({ ...request, url: target.url, replicas: target.replicas }, plan);
    const status: FleetStatus = report.errors.length > 0 ? 'failed' : inSync(report) ? 'in_sync' : 'pending';
    return {
      status,
      run: null,
      error: status === 'failed' ? problemsText(report.errors) : null,
      result: { report },
    };
  });
}

/** What `apply --targets` passes to each target's apply (its URL, replicas and rollback folder are the target's). */
export type FleetApplyRequest = Omit<
  ApplyRequest,
  'url' | 'knexfile' | 'env' | 'paths' | 'replicas' | 'sink' | 'confirm'
> & {
  /** Asked per target before anything runs (on a TTY without --yes). */
  confirm?(target: FleetTarget, steps: readonly ReportStep[]): Promise<boolean>;
};

/**
 * `apply --targets`: the same plans on every target, wave by wave, stopping at the first failed target.
 * Each target's files go to `<rollbackDir>/<target name>/`, since databases of a fleet often share a name.
 */
export async function applyFleet(
  options: FleetRunOptions,
  plan: IndexPlan,
  request: FleetApplyRequest,
): Promise<FleetOutcome<ApplyReport>[]> {
  await assertFleetPlanFields(options.fleet, plan);
  const { confirm, ...rest } = request;
  // every run of this fleet apply records it, so that `rollback --targets` undoes this apply's runs only
  const fleetDeploy = randomUUID();
  return eachTarget(options, { stopOnFailure: true }, async (target, sink) => {
    const report = await applyLoaded(
      {
        ...rest,
        url: target.url,
        replicas: target.replicas,
        rollbackDir: path.join(request.rollbackDir, target.name),
        fleetDeploy,
        sink,
        ...(confirm ? { confirm: (steps: readonly ReportStep[]) => confirm(target, steps) } : {}),
      },
      plan,
    );
    const { result } = report;
    return {
      status: result.status,
      run: result.runId,
      error: result.status === 'failed' ? problemsText(result.errors) : null,
      result: { report },
    };
  });
}

/** What `rollback --targets` passes to each target's rollback. */
export type FleetRollbackRequest = Omit<
  RollbackRequest,
  'url' | 'knexfile' | 'env' | 'runId' | 'newestRunOnly' | 'fleetDeploy' | 'sink' | 'confirm'
> & {
  /** Asked per target before anything runs (on a TTY without --yes), with the statements it will run. */
  confirm?(target: FleetTarget, runId: number, steps: readonly UndoStep[]): Promise<boolean>;
};

const rollbackStatus: Record<RollbackResult['status'], FleetStatus> = {
  rolled_back: 'rolled_back',
  nothing_to_undo: 'noop',
  dry_run: 'pending',
  failed: 'failed',
};

/**
 * The newest fleet apply recorded on any target: of each target's newest run, the latest started one
 * made by a fleet apply. Targets that cannot be read here are left to fail in the rollback itself.
 */
async function latestFleetDeploy(options: FleetRunOptions): Promise<string | undefined> {
  const newest: RunRecord[] = [];
  await runWaves(options.fleet.waves, { parallel: options.parallel, stopOnFailure: false }, async (target) => {
    const run = await withDatabase({ url: target.url }, async (db) =>
      (await stateTablesExist(db)) ? newestRun(db) : undefined,
    ).catch(() => undefined);
    if (run?.fleetDeploy) newest.push(run);
    return { target, status: 'noop', run: null, error: null, result: null };
  });
  newest.sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
  return newest[0]?.fleetDeploy ?? undefined;
}

/**
 * `rollback --targets`: undoes the latest fleet apply, last wave first, stopping at the first failed
 * target. On each target only its newest run is undone, and only when that apply made it: a target
 * whose newest run has nothing applied (noop, failed and undone, already rolled back), or that the
 * apply never reached (its newest run is older, or a single-database apply came after), is `noop`.
 */
export async function rollbackFleet(
  options: FleetRunOptions,
  request: FleetRollbackRequest,
): Promise<FleetOutcome<RollbackResult>[]> {
  // no fleet apply recorded anywhere: an id no run carries, so nothing is undone
  const fleetDeploy = (await latestFleetDeploy(options)) ?? 'none';
  const { confirm, ...rest } = request;
  return eachTarget(options, { stopOnFailure: true, reverse: true }, async (target, sink) => {
    const result = await rollbackRun({
      ...rest,
      url: target.url,
      replicas: target.replicas,
      newestRunOnly: true,
      fleetDeploy,
      ...(request.rollbackDir ? { rollbackDir: path.join(request.rollbackDir, target.name) } : {}),
      sink,
      ...(confirm ? { confirm: (runId: number, steps: readonly UndoStep[]) => confirm(target, runId, steps) } : {}),
    });
    return {
      status: rollbackStatus[result.status],
      run: result.runId,
      error: result.status === 'failed' ? problemsText(result.errors) : null,
      result: { report: result },
    };
  });
}

/** `history --targets`: each target's runs; a target read is `noop` with its newest run as `run`. */
export async function historyFleet(options: FleetRunOptions): Promise<FleetOutcome<HistoryEntry[]>[]> {
  return eachTarget(options, { stopOnFailure: false }, async (target) => {
    const entries = await withDatabase({ url: target.url }, (db) => readHistory(db));
    return { status: 'noop', run: entries[0]?.run.id ?? null, error: null, result: { report: entries } };
  });
}

/** `usage --targets`: each target's usage report (its replicas included); a target read is `noop`. */
export async function usageFleet(
  options: FleetRunOptions,
  plan: IndexPlan | null,
  request: Omit<UsageRequest, 'url' | 'knexfile' | 'env' | 'paths' | 'replicas'>,
): Promise<FleetOutcome<UsageReportWithServer>[]> {
  return eachTarget(options, { stopOnFailure: false }, async (target) => {
    const report = await usageLoaded({ ...request, url: target.url, replicas: target.replicas }, plan);
    return { status: 'noop', run: null, error: null, result: { report } };
  });
}
