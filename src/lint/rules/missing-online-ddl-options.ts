import { tableChanges } from '../mysql/facts.js';
import { mysqlRule } from './rule.js';

/** Algorithms that build or drop a secondary index without copying the table. */
export const onlineAlgorithms = ['INPLACE', 'NOCOPY', 'INSTANT'];

/** MySQL/MariaDB: an index added or dropped without ALGORITHM=INPLACE (or cheaper) and LOCK=NONE. */
export const missingOnlineDdlOptions = mysqlRule(
  {
    id: 'missing-online-ddl-options',
    level: 'error',
    message:
      'Index change without ALGORITHM and LOCK: the server picks the algorithm itself and may fall back to a table copy or a write lock without telling you',
    help: 'Add ", ALGORITHM=INPLACE, LOCK=NONE" (MariaDB: NOCOPY or INSTANT where legal) so the server refuses instead of blocking when it cannot do the change online',
  },
  (file) =>
    tableChanges(file).flatMap((change) => {
      const online = change.indexChanges.filter((index) => index.kind !== 'fulltext' && index.kind !== 'spatial');
      if (change.onNewTable || online.length === 0) return [];
      const missing: string[] = [];
      if (!change.algorithm || change.algorithm === 'DEFAULT') missing.push('ALGORITHM=INPLACE');
      if (!change.lock || change.lock === 'DEFAULT') missing.push('LOCK=NONE');
      if (missing.length === 0) return [];
      return [
        {
          statement: change.statement,
          message: `Index change without ${missing.join(' and ')}: the server may choose a table copy or a write lock on its own, blocking writes for the whole build`,
        },
      ];
    }),
);
