import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index plan` (not built yet). */
export const planCommand = defineCommand({
  command: 'plan',
  describe: 'plan (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'plan is not built yet');
  },
});
