import { describeRule } from '../lint-helper.js';

describeRule('index-name-pattern', {
  accepts: [
    [
      'CREATE INDEX CONCURRENTLY idx_orders_a ON orders (a);',
      'postgres',
      { planNames: ['idx_orders_b', 'idx_customers_email'] },
    ],
    ['CREATE INDEX CONCURRENTLY orders_a ON orders (a);', 'postgres'],
  ],
  flags: [
    [
      'CREATE INDEX CONCURRENTLY orders_a ON orders (a);',
      'postgres',
      1,
      { planNames: ['idx_orders_b', 'idx_customers_email'] },
    ],
    [
      'ALTER TABLE orders ADD INDEX orders_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
      1,
      { planNames: ['idx_orders_b', 'idx_customers_email'] },
    ],
  ],
});
