import { usagePlans, usageReport } from '../../api/usage.js';
import { ExitCode } from '../../errors.js';
import { limits } from '../../plan-file/limits.js';
import { renderUsageJson, usageJson } from '../../render/json/usage.js';
import { renderUsageMarkdown } from '../../render/markdown/usage.js';
import { renderUsageText } from '../../render/text/usage.js';
import { defineCommand } from '../command.js';
import { durationFlag } from '../flag-values.js';
import { type FleetArgs, fleetFromArgs, fleetOptions, fleetOutcome } from '../fleet.js';
import { formatOption, reportFormats } from '../format-option.js';
import { replicaOption, type TargetArgs, targetOptions } from '../target-options.js';

interface UsageArgs extends TargetArgs, FleetArgs {
  paths: string[];
  format: (typeof reportFormats)[number];
  all: boolean;
  record: boolean;
  window: number;
  replica: string[];
}

/** `safe-index usage`: size, scans, last scan, redundancy and a verdict per index, per source. */
export const usageCommand = defineCommand<UsageArgs>({
  builder: (yargs) =>
    fleetOptions(replicaOption(formatOption(yargs, 'usage', reportFormats)))
      .positional('paths', { type: 'string', array: true, default: ['index-plans'], describe: 'plan files or folders' })
      .option('all', { type: 'boolean', default: false, describe: 'every indexed table of the default schema' })
      .option('record', {
        type: 'boolean',
        default: false,
        describe: 'store this reading as a snapshot (run daily, e.g. from cron or the deploy pipeline)',
      })
      .option('window', {
        type: 'string',
        default: '7d',
        coerce: durationFlag('window', limits.ageMs),
        describe: 'how far back a verdict looks, e.g. 7d, 12h',
      })
      .example('$0 usage --url postgres://app@db/prod', 'usage of the indexes of the tables the plans name')
      .example('$0 usage --all --record --replica postgres://app@replica/prod', 'daily snapshot, replica included')
      .example('$0 usage --window 30d --format json', 'machine-readable, a longer window')
      .example('$0 usage --targets fleet.yml --record', 'a snapshot on every database of a fleet and its replicas'),
  run: async (args, io) => {
    const fleet = await fleetFromArgs(args, io, [
      [args.replica.length > 0, '--replica', "name each target's replicas in the fleet file"],
    ]);
    if (fleet) {
      const { usageFleet } = await import('../../fleet/run-fleet.js');
      const request = { paths: args.paths, all: args.all, record: args.record, windowMs: args.window };
      const plan = await usagePlans(request);
      const { paths: _, ...rest } = request;
      const outcomes = await usageFleet(fleet, plan, rest);
      return fleetOutcome(
        outcomes,
        args.format,
        { json: usageJson, text: (r) => renderUsageText(r, io.color), markdown: (r) => renderUsageMarkdown(r) },
        undefined,
        io.color,
      );
    }
    const report = await usageReport({
      ...targetOptions(args),
      paths: args.paths,
      all: args.all,
      record: args.record,
      windowMs: args.window,
      replicas: args.replica,
    });
    if (report.recorded) io.log(`recorded a usage snapshot of ${report.indexes.length} index(es)`);
    const render = {
      json: renderUsageJson,
      markdown: renderUsageMarkdown,
      text: (r: typeof report) => renderUsageText(r, io.color),
    };
    return { stdout: render[args.format](report), exitCode: ExitCode.ok };
  },
});
