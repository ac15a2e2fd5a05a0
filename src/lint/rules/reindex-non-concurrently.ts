import { nodeAs, reindexIsConcurrent } from '../postgres/ast.js';
import { postgresRule } from './rule.js';

/** PostgreSQL: REINDEX without CONCURRENTLY (REINDEX SYSTEM excepted: system catalogs cannot be reindexed concurrently). */
export const reindexNonConcurrently = postgresRule(
  {
    id: 'reindex-non-concurrently',
    level: 'error',
    message:
      'REINDEX without CONCURRENTLY locks out writes to the table (and reads that would use the index) for the whole rebuild',
    help: 'Use REINDEX (CONCURRENTLY) or REINDEX ... CONCURRENTLY (PostgreSQL 12+), outside a transaction block',
  },
  (file) =>
    file.statements.flatMap((statement, index) => {
      const reindex = nodeAs(statement.ast, 'ReindexStmt');
      // "cannot reindex system catalogs concurrently": the advice could not be followed
      if (!reindex || reindex.kind === 'REINDEX_OBJECT_SYSTEM') return [];
      return reindexIsConcurrent(statement.ast) ? [] : [{ statement: index }];
    }),
);
