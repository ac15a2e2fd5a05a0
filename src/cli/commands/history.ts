import { withDatabase } from '../../connection/with-database.js';
import { ExitCode } from '../../errors.js';
import { readHistory } from '../../executor/history.js';
import { renderHistoryJson } from '../../render/json/history.js';
import { renderHistoryText } from '../../render/text/history.js';
import { defineCommand } from '../command.js';
import { formatOption, textOrJson } from '../format-option.js';
import { type TargetArgs, targetOptions } from '../target-options.js';

interface HistoryArgs extends TargetArgs {
  format: (typeof textOrJson)[number];
}

/** `safe-index history`: the recorded runs, newest first. */
export const historyCommand = defineCommand<HistoryArgs>({
  builder: (yargs) =>
    formatOption(yargs, 'history', textOrJson)
      .example('$0 history', 'list recorded runs, newest first')
      .example('$0 history --format json', 'the same as JSON'),
  run: async (args, io) => {
    const entries = await withDatabase(targetOptions(args), (db) => readHistory(db));
    const stdout = args.format === 'json' ? renderHistoryJson(entries) : renderHistoryText(entries, io.color);
    return { stdout, exitCode: ExitCode.ok };
  },
});
