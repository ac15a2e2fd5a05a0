import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index history` (not built yet). */
export const historyCommand = defineCommand({
  command: 'history',
  describe: 'history (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'history is not built yet');
  },
});
