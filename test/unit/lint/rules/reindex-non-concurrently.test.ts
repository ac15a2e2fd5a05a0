import { describeRule } from '../lint-helper.js';

describeRule('reindex-non-concurrently', {
  accepts: [
    ['REINDEX INDEX CONCURRENTLY idx_a;', 'postgres'],
    ['REINDEX (CONCURRENTLY) TABLE orders;', 'postgres'],
    ['REINDEX SCHEMA CONCURRENTLY public;', 'postgres'],
    // system catalogs cannot be reindexed concurrently: nothing to advise
    ['REINDEX SYSTEM app;', 'postgres'],
    ['REINDEX SYSTEM;', 'postgres'],
  ],
  flags: [
    ['REINDEX INDEX idx_a;', 'postgres', 1],
    ['REINDEX TABLE orders;', 'postgres', 1],
    ['REINDEX (CONCURRENTLY false) TABLE orders;', 'postgres', 1],
    ['REINDEX DATABASE app;', 'postgres', 1],
    ['REINDEX SCHEMA public;', 'postgres', 1],
  ],
});
