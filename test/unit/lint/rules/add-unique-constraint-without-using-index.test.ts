import { describeRule } from '../lint-helper.js';

describeRule('add-unique-constraint-without-using-index', {
  accepts: [
    ['ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE USING INDEX idx_code;', 'postgres'],
    ['ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX idx_id;', 'postgres'],
    [
      'CREATE TABLE orders (id bigint, code text);\nALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);',
      'postgres',
    ],
    ['ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (c) REFERENCES customers (id) NOT VALID;', 'postgres'],
  ],
  flags: [
    ['ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);', 'postgres', 1],
    ['ALTER TABLE orders ADD PRIMARY KEY (id);', 'postgres', 1],
    ['ALTER TABLE orders ADD COLUMN code text UNIQUE;', 'postgres', 1],
  ],
});
