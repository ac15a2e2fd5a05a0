import { nodeAs, relationKey } from '../postgres/ast.js';
import { createdTables } from '../postgres/facts.js';
import { createdBefore } from '../relation-key.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: CREATE INDEX without CONCURRENTLY on a table the file did not create. */
export const createIndexNonConcurrently = postgresRule(
  {
    id: 'create-index-non-concurrently',
    level: 'error',
    message:
      'CREATE INDEX without CONCURRENTLY takes a SHARE lock: every INSERT, UPDATE and DELETE on the table waits until the whole build is done',
    help: 'Use CREATE INDEX CONCURRENTLY, outside any transaction block',
  },
  (file) => {
    const tables = createdTables(file);
    return file.statements.flatMap((statement, index) => {
      const create = nodeAs(statement.ast, 'IndexStmt');
      if (!create || create.concurrent) return [];
      return createdBefore(tables, relationKey(create.relation), index) ? [] : [{ statement: index }];
    });
  },
);
