import { describeRule } from '../lint-helper.js';

describeRule('algorithm-copy', {
  accepts: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql'],
    ['CREATE TABLE orders (id int PRIMARY KEY);\nALTER TABLE orders ADD COLUMN a int, ALGORITHM=COPY;', 'mysql'],
  ],
  flags: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=COPY, LOCK=SHARED;', 'mysql', 1],
    ['ALTER TABLE orders MODIFY COLUMN a bigint, ALGORITHM=COPY;', 'mysql', 1],
    ['CREATE INDEX idx_a ON orders (a) ALGORITHM COPY LOCK NONE;', 'mysql', 1],
  ],
});
