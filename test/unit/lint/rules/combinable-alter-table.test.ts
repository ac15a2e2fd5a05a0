import { describeRule } from '../lint-helper.js';

describeRule('combinable-alter-table', {
  accepts: [
    ['ALTER TABLE orders ADD INDEX idx_a (a), ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql'],
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;\nALTER TABLE customers ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
    ],
  ],
  flags: [
    [
      'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;\nALTER TABLE orders ADD INDEX idx_b (b), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      2,
    ],
    [
      'ALTER TABLE shop.orders DROP INDEX idx_a, ALGORITHM=INPLACE, LOCK=NONE;\nCREATE INDEX idx_b ON orders (b) ALGORITHM INPLACE LOCK NONE;',
      'mysql',
      2,
    ],
  ],
});
