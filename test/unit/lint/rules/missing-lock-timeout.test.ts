import { describeRule } from '../lint-helper.js';

describeRule('missing-lock-timeout', {
  accepts: [
    ["SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_a ON orders (a);", 'postgres'],
    ['CREATE TABLE orders (id bigint);\nCREATE INDEX idx_a ON orders (id);', 'postgres'],
    ['SELECT 1;', 'postgres'],
    // relations created earlier in the file, and statements that lock no existing relation
    ['CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a);', 'postgres'],
    ['CREATE TABLE b (a_id int);\nCREATE TRIGGER t BEFORE INSERT ON b FOR EACH ROW EXECUTE FUNCTION f();', 'postgres'],
    ['CREATE VIEW v AS SELECT 1;\nDROP VIEW v;', 'postgres'],
    ['CREATE MATERIALIZED VIEW mv AS SELECT 1 AS one;\nREFRESH MATERIALIZED VIEW mv;', 'postgres'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1';\nALTER TYPE mood ADD VALUE 'ok';", 'postgres'],
    ['CREATE TABLE snapshot AS SELECT * FROM orders;', 'postgres'],
    ['UPDATE orders SET a = 1;', 'postgres'],
    // SET LOCAL holds inside the runner's transaction
    ["SET LOCAL lock_timeout = '5s';\nDROP TRIGGER t ON orders;", 'postgres', { inTransaction: true }],
    ["BEGIN;\nSET LOCAL lock_timeout = '5s';\nDROP VIEW v;\nCOMMIT;", 'postgres'],
    [
      'SET SESSION lock_wait_timeout = 5;\nALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;',
      'mysql',
    ],
  ],
  flags: [
    ["CREATE INDEX CONCURRENTLY idx_a ON orders (a);\nSET lock_timeout = '5s';", 'postgres', 1],
    ['SET lock_timeout = 0;\nALTER TABLE orders ADD COLUMN note text;\nDROP INDEX CONCURRENTLY idx_b;', 'postgres', 2],
    ['ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;', 'mysql', 1],
    ['CREATE TABLE c (id INT, pid INT, FOREIGN KEY (pid) REFERENCES p (id));', 'mysql', 1],
    ['DROP TABLE IF EXISTS legacy;', 'mariadb', 1],
    ['RENAME TABLE a TO b;', 'mysql', 1],
    ['CREATE TRIGGER t BEFORE INSERT ON p FOR EACH ROW SET NEW.x = 1;', 'mariadb', 1],
    ['CREATE OR REPLACE VIEW v AS SELECT 1;', 'mysql', 1],
    // referenced tables, views, triggers
    ['CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));', 'postgres', 1],
    ['CREATE TABLE b (id int);\nALTER TABLE b ADD CONSTRAINT fk FOREIGN KEY (id) REFERENCES a (id);', 'postgres', 2],
    ['CREATE TABLE b (id int);\nALTER TABLE b ADD COLUMN a_id int REFERENCES a;', 'postgres', 2],
    ['DROP VIEW IF EXISTS v;', 'postgres', 1],
    ['DROP MATERIALIZED VIEW mv;', 'postgres', 1],
    ['CREATE TRIGGER t AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION f();', 'postgres', 1],
    ['DROP TRIGGER t ON orders;', 'postgres', 1],
    ["CREATE TABLE orders_2026 PARTITION OF orders FOR VALUES IN ('2026');", 'postgres', 1],
    ['CREATE OR REPLACE VIEW v AS SELECT 1;', 'postgres', 1],
    // the timeout is not in force
    ["SET LOCAL lock_timeout = '5s';\nDROP TRIGGER t ON orders;", 'postgres', 2],
    ["BEGIN;\nSET LOCAL lock_timeout = '5s';\nCOMMIT;\nDROP VIEW v;", 'postgres', 4],
    ["SET lock_timeout = '5s';\nRESET lock_timeout;\nDROP VIEW v;", 'postgres', 3],
    ["SET lock_timeout = '5s';\nRESET ALL;\nDROP VIEW v;", 'postgres', 3],
    ["BEGIN;\nSET lock_timeout = '5s';\nROLLBACK;\nDROP VIEW v;", 'postgres', 4],
  ],
});
