import { ExitCode } from '../../errors.js';
import { type RollbackRequest, rollbackRun } from '../../executor/rollback-request.js';
import { renderRollbackJson, rollbackJson } from '../../render/json/apply.js';
import { renderRollbackText, renderUndoSql } from '../../render/text/apply.js';
import { defineCommand } from '../command.js';
import { runIdFlag } from '../flag-values.js';
import { type FleetArgs, fleetFromArgs, fleetOptions, fleetOutcome } from '../fleet.js';
import { formatOption, textOrJson } from '../format-option.js';
import { type RunArgs, refuseInterleavedQuestions, runOptions, runRequestOf } from './apply.js';

interface RollbackArgs extends RunArgs, FleetArgs {
  format: (typeof textOrJson)[number];
  run?: number;
  dryRun: boolean;
  force: boolean;
}

/** `safe-index rollback`: undo the latest applied run (or `--run ID`) online. */
export const rollbackCommand = defineCommand<RollbackArgs>({
  builder: (yargs) =>
    fleetOptions(formatOption(runOptions(yargs), 'rollback', textOrJson))
      .option('run', {
        type: 'string',
        coerce: runIdFlag,
        describe: 'the run to undo (default: the latest with applied changes)',
      })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the SQL only' })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'undo the run although a later run, not rolled back, changed one of its indexes (warns)',
      })
      .example('$0 rollback --dry-run', 'print the SQL that would undo the latest run')
      .example('$0 rollback --yes --lock-timeout 3s', 'undo the latest run in a deploy step')
      .example('$0 rollback --run 42', 'undo a given run')
      .example('$0 rollback --targets fleet.yml --yes', 'undo the latest fleet apply, last wave first'),
  run: async (args, io) => {
    const fleet = await fleetFromArgs(args, io, [
      [
        args.run !== undefined,
        '--run',
        "run numbers are each database's own; a fleet rollback undoes the latest fleet apply",
      ],
    ]);
    const request: RollbackRequest = {
      ...runRequestOf(args, io),
      runId: args.run,
      dryRun: args.dryRun,
      force: args.force,
      confirm:
        args.yes || !io.isTTY
          ? undefined
          : (runId, steps) =>
              io.confirm(
                `${renderUndoSql(steps)}\nrun these statements to undo ${steps.length} change(s) of run ${runId}?`,
              ),
    };
    if (fleet) {
      refuseInterleavedQuestions(fleet.parallel, io, !args.yes && !args.dryRun);
      const { rollbackFleet } = await import('../../fleet/run-fleet.js');
      // the single-database request, each target's own connection, run, progress and question aside
      const { url: _u, knexfile: _k, env: _e, runId: _r, sink: _s, confirm, ...shared } = request;
      const outcomes = await rollbackFleet(fleet, {
        ...shared,
        ...(confirm
          ? {
              confirm: (target, runId, steps) =>
                io.confirm(
                  `${renderUndoSql(steps)}\n${target.name}: run these statements to undo ${steps.length} change(s) of run ${runId}?`,
                ),
            }
          : {}),
      });
      return fleetOutcome(
        outcomes,
        args.format,
        { json: rollbackJson, text: (r) => renderRollbackText(r, io.color) },
        undefined,
        io.color,
      );
    }
    const result = await rollbackRun(request);
    const stdout = args.format === 'json' ? renderRollbackJson(result) : renderRollbackText(result, io.color);
    return { stdout, exitCode: result.status === 'failed' ? ExitCode.error : ExitCode.ok };
  },
});
