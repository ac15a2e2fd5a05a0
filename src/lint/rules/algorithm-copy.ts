import { tableChanges } from '../mysql/facts.js';
import { mysqlRule } from './rule.js';

/** MySQL/MariaDB: ALGORITHM=COPY on an existing table. */
export const algorithmCopy = mysqlRule(
  {
    id: 'algorithm-copy',
    level: 'error',
    message:
      'ALGORITHM=COPY rebuilds the whole table into a copy and blocks writes (and needs the disk space of a second table) for the whole copy',
    help: 'Use ALGORITHM=INPLACE, LOCK=NONE (MariaDB: NOCOPY or INSTANT where legal); if the change cannot be done online, use an online schema change tool (gh-ost, pt-online-schema-change)',
  },
  (file) =>
    tableChanges(file)
      .filter((change) => !change.onNewTable && change.algorithm === 'COPY')
      .map((change) => ({ statement: change.statement })),
);
