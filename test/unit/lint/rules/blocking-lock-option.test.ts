import { describeRule } from '../lint-helper.js';

describeRule('blocking-lock-option', {
  accepts: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql'],
    ['ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body), LOCK=SHARED;', 'mysql'],
  ],
  flags: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=SHARED;', 'mysql', 1],
    ['ALTER TABLE orders DROP INDEX idx_a, LOCK=EXCLUSIVE;', 'mysql', 1],
    ['ALTER TABLE orders ADD FULLTEXT INDEX ft_body (body), LOCK=EXCLUSIVE;', 'mysql', 1],
  ],
});
