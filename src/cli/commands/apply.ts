import type { Argv } from 'yargs';
import type { BlockersPolicy } from '../../dialects/executor-types.js';
import { ExitCode, SafeIndexError } from '../../errors.js';
import { type ApplyRequest, applyPlans } from '../../executor/apply-plans.js';
import { applySavedPlan, savedPlanIn } from '../../executor/apply-saved.js';
import type { ExecutionSink } from '../../executor/types.js';
import { limits } from '../../plan-file/limits.js';
import { loadPlans } from '../../plan-file/load.js';
import { applyJson, renderApplyJson } from '../../render/json/apply.js';
import { renderApplyMarkdown } from '../../render/markdown/apply.js';
import { renderApplyText } from '../../render/text/apply.js';
import { defineCommand } from '../command.js';
import { durationFlag } from '../flag-values.js';
import { type FleetArgs, fleetFromArgs, fleetOptions, fleetOutcome } from '../fleet.js';
import { formatOption, reportFormats } from '../format-option.js';
import type { CliIo } from '../io.js';
import { replicaOption, type TargetArgs, targetOptions } from '../target-options.js';

/** Flags `apply` and `rollback` share. */
export interface RunArgs extends TargetArgs {
  yes: boolean;
  rollbackDir: string;
  lockTimeout?: number;
  wait: number;
  blockers: BlockersPolicy;
  snapshotWait?: number;
  maxReplicaLag?: number;
  replicaWait: number;
  replica: string[];
}

/** Declares the flags `apply` and `rollback` share. */
export function runOptions(yargs: Argv): Argv {
  return replicaOption(yargs)
    .option('max-replica-lag', {
      type: 'string',
      coerce: durationFlag('max-replica-lag', limits.maxReplicaLagMs),
      describe:
        'before each step and after each build, wait until every replica is at most this far behind, e.g. 10s (default: plan, else 10s)',
    })
    .option('replica-wait', {
      type: 'string',
      default: '10m',
      coerce: durationFlag('replica-wait', limits.waitMs),
      describe: 'the longest one wait for replicas lasts; then the run fails, changing nothing more',
    })
    .option('yes', { type: 'boolean', default: false, describe: 'do not ask for confirmation (asked only on a TTY)' })
    .option('rollback-dir', {
      type: 'string',
      default: 'rollbacks',
      describe:
        'directory that receives files (mode 0600, never overwritten): apply writes <database>-<run-id>.sql and its evidence report, rollback <database>-<run-id>.rolled-back.sql',
    })
    .option('lock-timeout', {
      type: 'string',
      coerce: durationFlag('lock-timeout', limits.lockTimeoutMs),
      describe: 'longest wait of one DDL statement for a table lock, e.g. 5s (default: plan, else 5s)',
    })
    .option('wait', {
      type: 'string',
      default: '0s',
      coerce: durationFlag('wait', limits.waitMs),
      describe: "how long to wait for another run's lock, e.g. 2m",
    })
    .option('blockers', {
      choices: ['wait', 'abort'] as const,
      default: 'wait',
      describe:
        'sessions a step would wait for (old transactions, lock holders): wait for them up to --snapshot-wait, or give up after --lock-timeout',
    })
    .option('snapshot-wait', {
      type: 'string',
      coerce: durationFlag('snapshot-wait', limits.snapshotWaitMs),
      describe: 'with --blockers wait, the longest one step waits for them, e.g. 10m (default: plan, else 10m)',
    });
}

/** Where the engine reports progress: stderr, redrawn on a TTY, periodic lines otherwise. */
export function sinkFor(io: CliIo): ExecutionSink {
  return { log: io.log, progress: io.progress, progressIntervalMs: io.stderrIsTTY ? 200 : 5_000 };
}

/** The request fields `apply` and `rollback` take from the flags they share, and where progress goes. */
export function runRequestOf(args: RunArgs, io: CliIo) {
  return {
    ...targetOptions(args),
    lockTimeoutMs: args.lockTimeout,
    waitMs: args.wait,
    rollbackDir: args.rollbackDir,
    blockers: args.blockers,
    snapshotWaitMs: args.snapshotWait,
    replicas: args.replica,
    ...(args.maxReplicaLag !== undefined ? { maxReplicaLagMs: args.maxReplicaLag } : {}),
    replicaWaitMs: args.replicaWait,
    sink: sinkFor(io),
  };
}

/** A fleet run whose targets would each ask on one terminal at once (`--parallel` above 1, questions on): refused. */
export function refuseInterleavedQuestions(parallel: number, io: CliIo, asks: boolean): void {
  if (parallel > 1 && io.isTTY && asks)
    throw new SafeIndexError('usage', '--parallel above 1 on a terminal needs --yes (questions would interleave)');
}

interface ApplyArgs extends RunArgs, FleetArgs {
  format: (typeof reportFormats)[number];
  paths: string[];
  allowBlocking: boolean;
  rollbackOnFailure: boolean;
  duplicateCheck: boolean;
  duplicateCheckTimeout: number;
  maxPlanAge: number;
  allowUsed: boolean;
  requireUsageEvidence?: boolean;
}

/** `safe-index apply`: run the plan online, record the run, write its rollback script. */
export const applyCommand = defineCommand<ApplyArgs>({
  builder: (yargs) =>
    fleetOptions(formatOption(runOptions(yargs), 'apply', reportFormats))
      .positional('paths', {
        type: 'string',
        array: true,
        default: ['index-plans'],
        describe: 'plan files or folders, or one saved plan (plan --out FILE)',
      })
      .option('max-plan-age', {
        type: 'string',
        default: '7d',
        coerce: durationFlag('max-plan-age', limits.ageMs),
        describe: 'refuse a saved plan older than this, e.g. 7d, 12h',
      })
      .option('allow-blocking', {
        type: 'boolean',
        default: false,
        describe: 'permit changes the server cannot make online',
      })
      .option('duplicate-check', {
        type: 'boolean',
        default: true,
        describe: 'look for duplicate keys before a unique build (--no-duplicate-check skips it)',
      })
      .option('duplicate-check-timeout', {
        type: 'string',
        default: '1m',
        coerce: durationFlag('duplicate-check-timeout', limits.waitMs),
        describe: 'statement timeout of that check; a check that times out fails the step',
      })
      .option('allow-used', {
        type: 'boolean',
        default: false,
        describe: 'drop or disable an index even when a source saw it used within the last 7d',
      })
      .option('require-usage-evidence', {
        type: 'boolean',
        describe: 'refuse to drop or disable an index whose usage is unknown (default: plan setting, else no)',
      })
      .option('rollback-on-failure', {
        type: 'boolean',
        default: true,
        describe: 'undo what this run applied when a later step fails (--no-rollback-on-failure keeps it)',
      })
      .example('$0 apply --url postgres://app@db/prod --yes', 'apply every plan under index-plans/')
      .example(
        '$0 apply plan.json --yes',
        'apply exactly the reviewed saved plan; refused if the indexes changed since',
      )
      .example(
        '$0 apply --targets fleet.yml --parallel 4 --yes',
        'the canary first, then each wave 4 databases at a time; stops at the first failed database',
      ),
  run: async (args, io) => {
    const fleet = await fleetFromArgs(args, io, [
      [args.replica.length > 0, '--replica', "name each target's replicas in the fleet file"],
    ]);
    const request: Omit<ApplyRequest, 'paths'> = {
      ...runRequestOf(args, io),
      allowBlocking: args.allowBlocking,
      duplicateCheckTimeoutMs: args.duplicateCheck ? args.duplicateCheckTimeout : null,
      rollbackOnFailure: args.rollbackOnFailure,
      allowUsed: args.allowUsed,
      ...(args.requireUsageEvidence !== undefined ? { requireUsageEvidence: args.requireUsageEvidence } : {}),
      confirm:
        args.yes || !io.isTTY
          ? undefined
          : (steps) =>
              io.confirm(`apply ${steps.length} change(s): ${steps.map((s) => `${s.action} ${s.index}`).join(', ')}?`),
    };
    if (fleet) {
      if (await savedPlanIn(args.paths))
        throw new SafeIndexError(
          'fleet_flag',
          'a saved plan is made for one database: apply plan files with --targets',
        );
      refuseInterleavedQuestions(fleet.parallel, io, !args.yes);
      const { applyFleet } = await import('../../fleet/run-fleet.js');
      const plan = await loadPlans(args.paths);
      // the single-database request, each target's own connection, replicas, progress and question aside
      const { url: _u, knexfile: _k, env: _e, replicas: _r, sink: _s, confirm: _c, ...shared } = request;
      const outcomes = await applyFleet(fleet, plan, {
        ...shared,
        confirm:
          args.yes || !io.isTTY
            ? undefined
            : (target, steps) =>
                io.confirm(
                  `${target.name}: apply ${steps.length} change(s): ${steps.map((s) => `${s.action} ${s.index}`).join(', ')}?`,
                ),
      });
      return fleetOutcome(
        outcomes,
        args.format,
        {
          json: applyJson,
          text: (r) => renderApplyText(r, io.color),
          markdown: (r, limit) => renderApplyMarkdown(r, limit),
        },
        undefined,
        io.color,
      );
    }
    const saved = await savedPlanIn(args.paths);
    const report = saved
      ? await applySavedPlan({ ...request, file: saved, maxPlanAgeMs: args.maxPlanAge })
      : await applyPlans({ ...request, paths: args.paths });
    const render = {
      json: renderApplyJson,
      markdown: renderApplyMarkdown,
      text: (r: typeof report) => renderApplyText(r, io.color),
    };
    const stdout = render[args.format](report);
    return { stdout, exitCode: report.result.status === 'failed' ? ExitCode.error : ExitCode.ok };
  },
});
