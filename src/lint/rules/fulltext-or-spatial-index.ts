import { tableChanges } from '../mysql/facts.js';
import { mysqlRule } from './rule.js';

/** MySQL/MariaDB: adding a FULLTEXT or SPATIAL index to an existing table. */
export const fulltextOrSpatialIndex = mysqlRule(
  {
    id: 'fulltext-or-spatial-index',
    level: 'warning',
    message:
      'A FULLTEXT or SPATIAL index cannot be built with LOCK=NONE: writes to the table are blocked for the whole build (the first FULLTEXT index also rebuilds the table)',
    help: 'Run it in a maintenance window, or build it with an online schema change tool (gh-ost, pt-online-schema-change); add LOCK=SHARED to make the blocking explicit',
  },
  (file) =>
    tableChanges(file).flatMap((change) => {
      const kinds = change.indexChanges
        .filter((index) => index.action === 'add' && (index.kind === 'fulltext' || index.kind === 'spatial'))
        .map((index) => index.kind.toUpperCase());
      if (change.onNewTable || kinds.length === 0) return [];
      return [
        {
          statement: change.statement,
          message: `A ${kinds[0]} index cannot be built with LOCK=NONE: writes to the table are blocked for the whole build`,
        },
      ];
    }),
);
