import { withDatabase } from '../../connection/with-database.js';
import { ExitCode } from '../../errors.js';
import { readHistory } from '../../executor/history.js';
import { historyJson, renderHistoryJson } from '../../render/json/history.js';
import { renderHistoryText } from '../../render/text/history.js';
import { defineCommand } from '../command.js';
import { type FleetArgs, fleetFromArgs, fleetOptions, fleetOutcome } from '../fleet.js';
import { formatOption, textOrJson } from '../format-option.js';
import { type TargetArgs, targetOptions } from '../target-options.js';

interface HistoryArgs extends TargetArgs, FleetArgs {
  format: (typeof textOrJson)[number];
}

/** `safe-index history`: the recorded runs, newest first. */
export const historyCommand = defineCommand<HistoryArgs>({
  builder: (yargs) =>
    fleetOptions(formatOption(yargs, 'history', textOrJson))
      .example('$0 history', 'list recorded runs, newest first')
      .example('$0 history --format json', 'the same as JSON')
      .example('$0 history --targets fleet.yml', 'the runs of every database of a fleet'),
  run: async (args, io) => {
    const fleet = await fleetFromArgs(args, io);
    if (fleet) {
      const { historyFleet } = await import('../../fleet/run-fleet.js');
      const outcomes = await historyFleet(fleet);
      return fleetOutcome(
        outcomes,
        args.format,
        { json: historyJson, text: (r) => renderHistoryText(r, io.color) },
        undefined,
        io.color,
      );
    }
    const entries = await withDatabase(targetOptions(args), (db) => readHistory(db));
    const stdout = args.format === 'json' ? renderHistoryJson(entries) : renderHistoryText(entries, io.color);
    return { stdout, exitCode: ExitCode.ok };
  },
});
