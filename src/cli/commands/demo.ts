import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index demo` (not built yet). */
export const demoCommand = defineCommand({
  command: 'demo',
  describe: 'demo (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'demo is not built yet');
  },
});
