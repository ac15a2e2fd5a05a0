import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index explain` (not built yet). */
export const explainCommand = defineCommand({
  command: 'explain',
  describe: 'explain (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'explain is not built yet');
  },
});
