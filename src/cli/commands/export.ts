import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index export` (not built yet). */
export const exportCommand = defineCommand({
  command: 'export',
  describe: 'export (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'export is not built yet');
  },
});
