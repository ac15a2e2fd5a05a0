import { droppedIndexNames, nodeAs, relationKey } from '../postgres/ast.js';
import { createdTables } from '../postgres/facts.js';
import { createdBefore, sameRelation } from '../relation-key.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: CREATE/DROP INDEX CONCURRENTLY on a partitioned table the file created. */
export const concurrentlyOnPartitionedTable = postgresRule(
  {
    id: 'concurrently-on-partitioned-table',
    level: 'error',
    message:
      'CONCURRENTLY is not supported on a partitioned table: the statement fails ("cannot create index on partitioned table concurrently") and the migration stops',
    help: 'CREATE INDEX ... ON ONLY parent (invalid until attached), CREATE INDEX CONCURRENTLY on each partition, then ALTER INDEX parent_index ATTACH PARTITION partition_index',
  },
  (file) => {
    const tables = createdTables(file);
    const partitionedIndexes: string[] = [];
    return file.statements.flatMap((statement, index) => {
      const create = nodeAs(statement.ast, 'IndexStmt');
      if (create) {
        const table = createdBefore(tables, relationKey(create.relation), index);
        if (!table?.partitioned) return [];
        if (create.idxname) partitionedIndexes.push(create.idxname);
        return create.concurrent ? [{ statement: index }] : [];
      }
      if (!nodeAs(statement.ast, 'DropStmt')?.concurrent) return [];
      const names = droppedIndexNames(statement.ast);
      const hits = names.some((name) => partitionedIndexes.some((known) => sameRelation(known, name)));
      return hits
        ? [
            {
              statement: index,
              message:
                'DROP INDEX CONCURRENTLY cannot drop an index of a partitioned table: the statement fails and the migration stops',
            },
          ]
        : [];
    });
  },
);
