import { describeRule } from '../lint-helper.js';

describeRule('missing-online-ddl-options', {
  accepts: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql'],
    ['CREATE INDEX idx_a ON orders (a) ALGORITHM INPLACE LOCK NONE;', 'mysql'],
    ['DROP INDEX idx_a ON orders ALGORITHM=INPLACE LOCK=NONE;', 'mysql'],
    ['CREATE TABLE orders (id int PRIMARY KEY, a int);\nALTER TABLE orders ADD INDEX idx_a (a);', 'mysql'],
    ['ALTER TABLE orders ADD COLUMN note varchar(20);', 'mysql'],
    ['ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body);', 'mysql'],
  ],
  flags: [
    ['ALTER TABLE orders ADD INDEX idx_a (a);', 'mysql', 1],
    ['ALTER TABLE orders ADD INDEX idx_a (a), LOCK=NONE;', 'mysql', 1],
    ['CREATE INDEX idx_a ON orders (a);', 'mysql', 1],
    ['DROP INDEX idx_a ON orders;', 'mysql', 1],
    ['ALTER TABLE orders DROP KEY idx_a, ALGORITHM=DEFAULT, LOCK=NONE;', 'mysql', 1],
  ],
});
