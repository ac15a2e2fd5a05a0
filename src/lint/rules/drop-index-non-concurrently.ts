import { nodeAs } from '../postgres/ast.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: DROP INDEX without CONCURRENTLY. */
export const dropIndexNonConcurrently = postgresRule(
  {
    id: 'drop-index-non-concurrently',
    level: 'error',
    message:
      'DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE lock on the table: reads and writes queue behind it, and behind any long query it waits for',
    help: 'Use DROP INDEX CONCURRENTLY (one index per statement, outside a transaction block)',
  },
  (file) =>
    file.statements.flatMap((statement, index) => {
      const drop = nodeAs(statement.ast, 'DropStmt');
      return drop?.removeType === 'OBJECT_INDEX' && !drop.concurrent ? [{ statement: index }] : [];
    }),
);
