import { SafeIndexError } from '../../errors.js';
import { defineCommand } from '../command.js';

/** `safe-index rollback` (not built yet). */
export const rollbackCommand = defineCommand({
  command: 'rollback',
  describe: 'rollback (not built yet)',
  builder: (yargs) => yargs,
  run: async () => {
    throw new SafeIndexError('not_built', 'rollback is not built yet');
  },
});
