import type { Argv } from 'yargs';
import { ExitCode, SafeIndexError } from '../errors.js';
import type { FleetRunOptions } from '../fleet/run-fleet.js';
import type { FleetOutcome } from '../fleet/waves.js';
import { renderFleetJson } from '../render/json/fleet.js';
import { renderFleetMarkdown } from '../render/markdown/fleet.js';
import { renderFleetText } from '../render/text/fleet.js';
import type { OutputFormat } from './format-option.js';
import type { CliIo, CommandOutcome } from './io.js';
import type { TargetArgs } from './target-options.js';

/** The fleet flags, as yargs hands them over. */
export interface FleetArgs extends TargetArgs {
  targets?: string;
  parallel?: number;
}

/** Declares `--targets FILE` and `--parallel N`. */
export function fleetOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('targets', {
      type: 'string',
      describe: 'a fleet file (YAML): named targets in waves; --url and DATABASE_URL are then not used',
    })
    .option('parallel', {
      type: 'number',
      describe: 'with --targets: how many targets run at once within a wave (default 1)',
    });
}

/** Flags that name one database's things, refused with a fleet: `[flag, why]` when given. */
export type SingleTargetFlag = [given: boolean, flag: string, why: string];

/**
 * Reads the fleet file (no connection is opened) and checks the flags that do not go with one:
 * `--parallel` without `--targets`, or a flag that only makes sense for one database.
 */
export async function fleetFromArgs(
  args: FleetArgs,
  io: CliIo,
  singleOnly: SingleTargetFlag[] = [],
): Promise<FleetRunOptions | undefined> {
  if (!args.targets) {
    if (args.parallel !== undefined) throw new SafeIndexError('usage', '--parallel goes with --targets');
    return undefined;
  }
  if (args.parallel !== undefined && (!Number.isInteger(args.parallel) || args.parallel < 1))
    throw new SafeIndexError('usage', '--parallel takes a whole number of targets, 1 or more');
  for (const [given, flag, why] of singleOnly)
    if (given) throw new SafeIndexError('fleet_flag', `${flag} does not go with --targets: ${why}`);
  // the YAML and schema libraries load only when a fleet is asked for
  const fleet = await (await import('../fleet/file.js')).loadFleet(args.targets);
  if (args.url || args.knexfile) io.log('--targets names the databases: --url and --knexfile are not used');
  const sink = { log: io.log, progress: io.progress, progressIntervalMs: io.stderrIsTTY ? 200 : 5_000 };
  return { fleet, parallel: args.parallel ?? 1, sink };
}

/** Renders a fleet's outcomes in the asked format; markdown only where the command renders it per target. */
export function fleetOutcome<R>(
  outcomes: readonly FleetOutcome<R>[],
  format: OutputFormat,
  renderers: {
    json: (report: R) => unknown;
    text: (report: R) => string;
    markdown?: (report: R, limit: number) => string;
  },
  exitCode: (outcomes: readonly FleetOutcome<R>[]) => number = failedExit,
  color = false,
): CommandOutcome {
  const stdout =
    format === 'json'
      ? renderFleetJson(outcomes, renderers.json)
      : format === 'markdown' && renderers.markdown
        ? renderFleetMarkdown(outcomes, renderers.markdown)
        : renderFleetText(outcomes, renderers.text, color);
  return { stdout, exitCode: exitCode(outcomes) };
}

/** Exit 1 when any target failed, else 0. */
export function failedExit(outcomes: readonly FleetOutcome<unknown>[]): number {
  return outcomes.some((outcome) => outcome.status === 'failed') ? ExitCode.error : ExitCode.ok;
}
