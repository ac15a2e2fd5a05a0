import { planReport } from '../../api/plan.js';
import { ExitCode } from '../../errors.js';
import { limits } from '../../plan-file/limits.js';
import { loadPlans } from '../../plan-file/load.js';
import { inSync } from '../../planner/plan.js';
import { planJson, renderPlanJson } from '../../render/json/plan.js';
import { renderPlanMarkdown } from '../../render/markdown/plan.js';
import { renderPlanText } from '../../render/text/plan.js';
import { defineCommand } from '../command.js';
import { durationFlag } from '../flag-values.js';
import { type FleetArgs, fleetFromArgs, fleetOptions, fleetOutcome } from '../fleet.js';
import { formatOption, reportFormats } from '../format-option.js';
import { replicaOption, type TargetArgs, targetOptions } from '../target-options.js';

interface PlanArgs extends TargetArgs, FleetArgs {
  paths: string[];
  format: (typeof reportFormats)[number];
  checkDuplicates: boolean;
  duplicateCheckTimeout: number;
  whatIf: boolean;
  out?: string;
  replica: string[];
}

/** `safe-index plan`: the dry run. */
export const planCommand = defineCommand<PlanArgs>({
  builder: (yargs) =>
    fleetOptions(replicaOption(formatOption(yargs, 'plan', reportFormats)))
      .positional('paths', { type: 'string', array: true, default: ['index-plans'], describe: 'plan files or folders' })
      .option('check-duplicates', {
        type: 'boolean',
        default: false,
        describe: 'look for rows a new unique index would reject',
      })
      .option('duplicate-check-timeout', {
        type: 'string',
        default: '1m',
        coerce: durationFlag('duplicate-check-timeout', limits.waitMs),
        describe:
          'statement timeout of each --check-duplicates query; one that times out is a "could not check" warning',
      })
      .option('what-if', {
        type: 'boolean',
        default: false,
        describe:
          'estimate verify queries with the planned indexes (HypoPG) and, for drops and disables, without the index (HypoPG 1.4+ / IGNORE INDEX)',
      })
      .option('out', {
        type: 'string',
        describe: 'also write the plan as a saved plan (JSON) for apply FILE; not written when the plan has errors',
      })
      .example('$0 plan --url postgres://app@db/prod', 'plan every file under index-plans/')
      .example('$0 plan index-plans/billing.yml --format markdown > plan.md', 'a pull-request comment')
      .example('$0 plan --out plan.json --format markdown > plan.md', 'save the reviewed plan for apply plan.json')
      .example('$0 plan --check-duplicates --format json', 'machine-readable, with duplicate-row checks')
      .example('$0 plan --targets fleet.yml --format json', 'every database of a fleet, one JSON document'),
  run: async (args, io) => {
    const fleet = await fleetFromArgs(args, io, [
      [Boolean(args.out), '--out', 'a saved plan is made for one database'],
      [args.replica.length > 0, '--replica', "name each target's replicas in the fleet file"],
    ]);
    if (fleet) {
      const { planFleet } = await import('../../fleet/run-fleet.js');
      const plan = await loadPlans(args.paths);
      const outcomes = await planFleet(fleet, plan, {
        checkDuplicates: args.checkDuplicates,
        duplicateCheckTimeoutMs: args.duplicateCheckTimeout,
        whatIf: args.whatIf,
      });
      return fleetOutcome(
        outcomes,
        args.format,
        { json: planJson, text: (r) => renderPlanText(r, io.color), markdown: renderPlanMarkdown },
        (all) =>
          all.some((o) => o.status === 'failed')
            ? ExitCode.error
            : all.some((o) => o.status === 'pending')
              ? ExitCode.pending
              : ExitCode.ok,
        io.color,
      );
    }
    const report = await planReport({
      ...targetOptions(args),
      paths: args.paths,
      checkDuplicates: args.checkDuplicates,
      duplicateCheckTimeoutMs: args.duplicateCheckTimeout,
      whatIf: args.whatIf,
      ...(args.out ? { out: args.out } : {}),
      replicas: args.replica,
    });
    if (args.out) {
      io.log(
        report.saved
          ? `saved plan written to ${args.out} (hash ${report.saved.hash})`
          : `no saved plan written to ${args.out}: the plan has errors`,
      );
    }
    const exitCode = report.errors.length > 0 ? ExitCode.error : inSync(report) ? ExitCode.ok : ExitCode.pending;
    const render = {
      json: renderPlanJson,
      markdown: renderPlanMarkdown,
      text: (r: typeof report) => renderPlanText(r, io.color),
    };
    return { stdout: render[args.format](report), exitCode };
  },
});
