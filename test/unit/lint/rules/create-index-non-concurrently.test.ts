import { describeRule } from '../lint-helper.js';

describeRule('create-index-non-concurrently', {
  accepts: [
    ['CREATE INDEX CONCURRENTLY idx_a ON orders (a);', 'postgres'],
    ['CREATE TABLE orders (id bigint, a int);\nCREATE INDEX idx_a ON orders (a);', 'postgres'],
    ['CREATE TABLE shop.orders (id bigint);\nCREATE INDEX idx_a ON orders (id);', 'postgres'],
  ],
  flags: [
    ['CREATE INDEX idx_a ON orders (a);', 'postgres', 1],
    [
      'CREATE TABLE other (id int);\nCREATE UNIQUE INDEX idx_a ON orders USING btree (lower(email)) WHERE deleted_at IS NULL;',
      'postgres',
      2,
    ],
  ],
});
