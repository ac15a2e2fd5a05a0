import { describeRule } from '../lint-helper.js';

describeRule('missing-lock-timeout', {
  accepts: [
    ["SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_a ON orders (a);", 'postgres'],
    ['CREATE TABLE orders (id bigint);\nCREATE INDEX idx_a ON orders (id);', 'postgres'],
    ['SELECT 1;', 'postgres'],
  ],
  flags: [
    ["CREATE INDEX CONCURRENTLY idx_a ON orders (a);\nSET lock_timeout = '5s';", 'postgres', 1],
    ['SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX CONCURRENTLY idx_b;', 'postgres', 2],
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql', 1],
  ],
});
