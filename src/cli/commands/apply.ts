import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index apply` (not built yet). */
export const applyCommand = defineCommand({
  command: 'apply',
  describe: 'apply (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'apply is not built yet');
  },
});
