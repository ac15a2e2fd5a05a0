import { addedKeyConstraints, alterTableCommands, nodeAs, relationKey } from '../postgres/ast.js';
import { createdTables } from '../postgres/facts.js';
import { createdBefore } from '../relation-key.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: ADD UNIQUE / PRIMARY KEY on an existing table that builds its index under the ALTER's lock. */
export const addUniqueConstraintWithoutUsingIndex = postgresRule(
  {
    id: 'add-unique-constraint-without-using-index',
    level: 'error',
    message:
      'ADD CONSTRAINT UNIQUE/PRIMARY KEY builds its index while holding an ACCESS EXCLUSIVE lock: the table is unreadable and unwritable for the whole build',
    help: 'Build the index first with CREATE UNIQUE INDEX CONCURRENTLY, then ALTER TABLE ... ADD CONSTRAINT name UNIQUE USING INDEX index_name (or PRIMARY KEY USING INDEX)',
  },
  (file) => {
    const tables = createdTables(file);
    return file.statements.flatMap((statement, index) => {
      const table = relationKey(nodeAs(statement.ast, 'AlterTableStmt')?.relation);
      if (!table || createdBefore(tables, table, index)) return [];
      const blocking = alterTableCommands(statement.ast)
        .flatMap(addedKeyConstraints)
        .filter((constraint) => !constraint.indexname);
      return blocking.length > 0 ? [{ statement: index }] : [];
    });
  },
);
