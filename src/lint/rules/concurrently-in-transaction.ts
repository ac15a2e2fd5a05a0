import { nodeAs, reindexIsConcurrent } from '../postgres/ast.js';
import { transactionStates } from '../postgres/facts.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: a CONCURRENTLY operation inside a transaction block (explicit or the runner's). */
export const concurrentlyInTransaction = postgresRule(
  {
    id: 'concurrently-in-transaction',
    level: 'error',
    message:
      'CONCURRENTLY cannot run inside a transaction block: the statement fails (SQLSTATE 25001) and the migration stops half way',
    help: 'Run the CONCURRENTLY statement on its own, outside BEGIN/COMMIT; with a runner that wraps files in a transaction, put it in a migration that disables the wrapping',
  },
  (file, { options }) => {
    const inTransaction = transactionStates(file, options.assumeInTransaction);
    return file.statements.flatMap((statement, index) => {
      const node = statement.ast;
      const concurrent =
        nodeAs(node, 'IndexStmt')?.concurrent || nodeAs(node, 'DropStmt')?.concurrent || reindexIsConcurrent(node);
      if (!concurrent || !inTransaction[index]) return [];
      const why = options.assumeInTransaction
        ? 'the migration runner wraps the file in a transaction'
        : 'it follows BEGIN';
      return [
        {
          statement: index,
          message: `CONCURRENTLY cannot run inside a transaction block (${why}): the statement fails with SQLSTATE 25001 and the migration stops half way`,
        },
      ];
    });
  },
);
