import { tableChanges } from '../mysql/facts.js';
import { sameRelation } from '../relation-key.js';
import { mysqlRule } from './rule.js';

/** MySQL/MariaDB: several ALTERs (or CREATE/DROP INDEX) of one existing table that could be one statement. */
export const combinableAlterTable = mysqlRule(
  {
    id: 'combinable-alter-table',
    level: 'warning',
    message:
      'The table is altered again: every ALTER takes the metadata lock, and may scan or rebuild the table, once more',
    help: 'Combine the changes into one ALTER TABLE ... ADD INDEX ..., DROP INDEX ..., ALGORITHM=INPLACE, LOCK=NONE',
  },
  (file) => {
    const seen: Array<{ table: string; line: number }> = [];
    return tableChanges(file).flatMap((change) => {
      if (change.onNewTable) return [];
      const earlier = seen.find((entry) => sameRelation(entry.table, change.table));
      seen.push({ table: change.table, line: file.statements[change.statement]!.line });
      if (!earlier) return [];
      return [
        {
          statement: change.statement,
          message: `Table ${change.table} was already altered at line ${earlier.line}: each ALTER takes the metadata lock, and may scan or rebuild the table, once more`,
        },
      ];
    });
  },
);
