import { ExitCode } from '../../errors.js';
import { rollbackRun } from '../../executor/rollback-request.js';
import { renderRollbackJson } from '../../render/json/apply.js';
import { renderRollbackText, renderUndoSql } from '../../render/text/apply.js';
import { defineCommand } from '../command.js';
import { formatOption, textOrJson } from '../format-option.js';
import { targetOptions } from '../target-options.js';
import { type RunArgs, runOptions, sinkFor } from './apply.js';

interface RollbackArgs extends RunArgs {
  format: (typeof textOrJson)[number];
  run?: number;
  dryRun: boolean;
}

/** `safe-index rollback`: undo the latest applied run (or `--run ID`) online. */
export const rollbackCommand = defineCommand<RollbackArgs>({
  builder: (yargs) =>
    formatOption(runOptions(yargs), 'rollback', textOrJson)
      .option('run', { type: 'number', describe: 'the run to undo (default: the latest with applied changes)' })
      .option('dry-run', { type: 'boolean', default: false, describe: 'print the SQL only' })
      .example('$0 rollback --dry-run', 'print the SQL that would undo the latest run')
      .example('$0 rollback --yes --lock-timeout 3s', 'undo the latest run in a deploy step')
      .example('$0 rollback --run 42', 'undo a given run'),
  run: async (args, io) => {
    const result = await rollbackRun({
      ...targetOptions(args),
      runId: args.run,
      dryRun: args.dryRun,
      lockTimeoutMs: args.lockTimeout,
      waitMs: args.wait,
      blockers: args.blockers,
      snapshotWaitMs: args.snapshotWait,
      rollbackDir: args.rollbackDir,
      sink: sinkFor(io),
      confirm:
        args.yes || !io.isTTY
          ? undefined
          : (runId, steps) =>
              io.confirm(
                `${renderUndoSql(steps)}\nrun these statements to undo ${steps.length} change(s) of run ${runId}?`,
              ),
    });
    const stdout = args.format === 'json' ? renderRollbackJson(result) : renderRollbackText(result, io.color);
    return { stdout, exitCode: result.status === 'failed' ? ExitCode.error : ExitCode.ok };
  },
});
