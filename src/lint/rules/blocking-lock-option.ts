import { tableChanges } from '../mysql/facts.js';
import { mysqlRule } from './rule.js';

/** MySQL/MariaDB: LOCK=SHARED or LOCK=EXCLUSIVE on an existing table. */
export const blockingLockOption = mysqlRule(
  {
    id: 'blocking-lock-option',
    level: 'error',
    message: 'LOCK=SHARED blocks every write, LOCK=EXCLUSIVE every read and write, for the whole ALTER',
    help: 'Use LOCK=NONE so the server refuses the ALTER instead of blocking when it cannot run it with concurrent writes',
  },
  (file) =>
    tableChanges(file).flatMap((change) => {
      if (change.onNewTable || (change.lock !== 'SHARED' && change.lock !== 'EXCLUSIVE')) return [];
      const adds = change.indexChanges.filter((index) => index.action === 'add');
      // FULLTEXT and SPATIAL cannot do better than LOCK=SHARED; fulltext-or-spatial-index warns about those.
      const onlyUnavoidable =
        change.lock === 'SHARED' &&
        adds.length > 0 &&
        adds.length === change.indexChanges.length &&
        adds.every((index) => index.kind === 'fulltext' || index.kind === 'spatial');
      if (onlyUnavoidable) return [];
      return [
        {
          statement: change.statement,
          message: `LOCK=${change.lock} blocks ${change.lock === 'SHARED' ? 'every write' : 'every read and write'} on the table for the whole ALTER`,
        },
      ];
    }),
);
