import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index lint` (not built yet). */
export const lintCommand = defineCommand({
  command: 'lint',
  describe: 'lint (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'lint is not built yet');
  },
});
