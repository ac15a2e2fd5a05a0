import { describeRule } from '../lint-helper.js';

describeRule('concurrently-in-transaction', {
  accepts: [
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres'],
    ['BEGIN;\nCOMMIT;\nDROP INDEX CONCURRENTLY idx_a;', 'postgres'],
    ['BEGIN;\nCREATE INDEX idx_a ON orders (a);\nCOMMIT;', 'postgres'],
  ],
  flags: [
    ['BEGIN;\nCREATE INDEX CONCURRENTLY idx_a ON orders (a);\nCOMMIT;', 'postgres', 2],
    ['START TRANSACTION;\nDROP INDEX CONCURRENTLY idx_a;\nCOMMIT;', 'postgres', 2],
    ['BEGIN;\nREINDEX INDEX CONCURRENTLY idx_a;\nCOMMIT;', 'postgres', 2],
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres', 1, { inTransaction: true }],
  ],
});
