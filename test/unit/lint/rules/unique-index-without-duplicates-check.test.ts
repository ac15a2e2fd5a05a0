import { describeRule } from '../lint-helper.js';

describeRule('unique-index-without-duplicates-check', {
  accepts: [
    [
      '-- safe-index: duplicates-checked on 2024-05-01, none found\nCREATE UNIQUE INDEX CONCURRENTLY idx_code ON orders (code);',
      'postgres',
    ],
    ['CREATE INDEX CONCURRENTLY idx_code ON orders (code);', 'postgres'],
    ['CREATE TABLE orders (code text);\nCREATE UNIQUE INDEX idx_code ON orders (code);', 'postgres'],
    [
      '-- safe-index: duplicates-checked\nALTER TABLE orders ADD UNIQUE KEY uq_code (code), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
    ],
  ],
  flags: [
    ['CREATE UNIQUE INDEX CONCURRENTLY idx_code ON orders (code);', 'postgres', 1],
    ['ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);', 'postgres', 1],
    ['ALTER TABLE orders ADD UNIQUE KEY uq_code (code), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql', 1],
  ],
});
