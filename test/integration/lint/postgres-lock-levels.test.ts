import { loadModule, parseSync } from 'libpg-query';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/connection/database.js';
import { atLeast, type LockMode, lockModes, relationLocks } from '../../../src/lint/postgres/locks.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';

/**
 * The lock model `missing-lock-timeout` judges statements by (src/lint/postgres/locks.ts) checked
 * against the server: each statement runs in a transaction that is rolled back, and the strongest
 * lock the session holds on every relation the model names must be exactly the model's mode.
 * Statements the rule exempts must take nothing of SHARE UPDATE EXCLUSIVE or stronger on an existing
 * relation. (CONCURRENTLY forms and VACUUM cannot run in a transaction block and are not measured.)
 */
const schema = `
  CREATE TABLE customers (id bigint PRIMARY KEY);
  CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, buyer_id bigint, status text);
  ALTER TABLE orders ADD CONSTRAINT fk_orders_buyer FOREIGN KEY (buyer_id) REFERENCES customers (id) NOT VALID;
  CREATE INDEX idx_orders_status ON orders (status);
  CREATE VIEW v_orders AS SELECT * FROM orders;
  CREATE MATERIALIZED VIEW mv_orders AS SELECT * FROM orders;
  CREATE UNIQUE INDEX idx_mv_orders_id ON mv_orders (id);
  CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
  CREATE TRIGGER t_orders AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();
  CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  CREATE TABLE events_2025 (id bigint, at date);
  CREATE INDEX idx_events_at ON ONLY events (at);
  CREATE INDEX idx_events_2024_at ON events_2024 (at);
  CREATE SEQUENCE seq_a;
  CREATE POLICY p_orders ON orders USING (true);
  CREATE RULE r_orders AS ON UPDATE TO v_orders DO INSTEAD NOTHING;
  CREATE TYPE mood AS ENUM ('sad');
  CREATE SCHEMA archive;
`;

/** Statements whose locks the model must name exactly (several statements: their locks add up). */
const locking = [
  'CREATE INDEX idx_orders_customer ON orders (customer_id)',
  'DROP INDEX idx_orders_status',
  'ALTER TABLE orders ADD COLUMN note text',
  'ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)',
  'ALTER TABLE orders ADD COLUMN seller_id bigint REFERENCES customers (id)',
  'ALTER TABLE orders ADD CONSTRAINT ck_orders_id CHECK (id > 0)',
  'ALTER TABLE orders VALIDATE CONSTRAINT fk_orders_buyer',
  'ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500',
  'ALTER TABLE orders SET (fillfactor = 70)',
  'ALTER TABLE orders DISABLE TRIGGER t_orders',
  'ALTER TABLE orders RENAME TO purchases',
  'ALTER TABLE orders RENAME COLUMN status TO state',
  'ALTER INDEX idx_orders_status RENAME TO idx_orders_state',
  'ALTER TABLE orders SET SCHEMA archive',
  'CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id))',
  'CREATE TABLE invoices (id bigint, customer_id bigint, FOREIGN KEY (customer_id) REFERENCES customers (id))',
  'CREATE TABLE invoices (id bigint, customer_id bigint); ALTER TABLE invoices ADD FOREIGN KEY (customer_id) REFERENCES customers (id)',
  "CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')",
  'CREATE TABLE vip_customers (level int) INHERITS (customers)',
  "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
  'ALTER TABLE events DETACH PARTITION events_2024',
  'ALTER INDEX idx_events_at ATTACH PARTITION idx_events_2024_at',
  'DROP VIEW v_orders',
  'DROP MATERIALIZED VIEW mv_orders',
  'DROP TABLE events_2025',
  'DROP SEQUENCE seq_a',
  'CREATE TRIGGER t_orders_2 AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch()',
  'DROP TRIGGER t_orders ON orders',
  'CREATE POLICY p_orders_2 ON orders USING (id > 0)',
  'DROP POLICY p_orders ON orders',
  'CREATE RULE r_orders_2 AS ON DELETE TO v_orders DO INSTEAD NOTHING',
  'DROP RULE r_orders ON v_orders',
  'CREATE OR REPLACE VIEW v_orders AS SELECT * FROM orders',
  'REFRESH MATERIALIZED VIEW mv_orders',
  'REFRESH MATERIALIZED VIEW CONCURRENTLY mv_orders',
  'TRUNCATE events_2025',
  'LOCK TABLE orders IN SHARE MODE',
  'LOCK TABLE orders',
  'CLUSTER orders USING orders_pkey',
  'REINDEX TABLE orders',
  'REINDEX INDEX idx_orders_status',
  'ANALYZE orders',
  "COMMENT ON TABLE orders IS 'placed orders'",
  "COMMENT ON COLUMN orders.status IS 'workflow state'",
  'ALTER SEQUENCE seq_a RESTART',
  'CREATE STATISTICS st_orders ON id, customer_id FROM orders',
];

/** Statements the rule exempts: no lock of SHARE UPDATE EXCLUSIVE or stronger on any existing relation. */
const exempt = [
  "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
  "ALTER TYPE mood ADD VALUE 'happy'",
  'CREATE TABLE archive.old_orders AS SELECT * FROM orders',
  'CREATE MATERIALIZED VIEW mv_customers AS SELECT * FROM customers',
  'CREATE VIEW v_customers AS SELECT * FROM customers',
  'CREATE TABLE notes (id bigint PRIMARY KEY, body text)',
  'CREATE TABLE notes (note text, LIKE orders)',
  'CREATE SEQUENCE seq_b',
  "CREATE TYPE colour AS ENUM ('red')",
  'INSERT INTO customers VALUES (1)',
];

const modeOfPgLocks: Record<string, LockMode> = Object.fromEntries(
  lockModes.map((mode) => [
    `${mode
      .toLowerCase()
      .split(' ')
      .map((word) => word[0]!.toUpperCase() + word.slice(1))
      .join('')}Lock`,
    mode,
  ]),
);

/**
 * The strongest lock this session holds on each relation that existed before the statement, by its
 * name before the statement (a dropped or renamed relation keeps its old name here).
 */
async function heldLocks(session: Session, existing: Map<string, string>): Promise<Map<string, LockMode>> {
  const rows = await session.query<{ oid: string; mode: string }>(
    `SELECT relation::text AS oid, mode FROM pg_locks
     WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation IS NOT NULL`,
  );
  const held = new Map<string, LockMode>();
  for (const row of rows) {
    const relation = existing.get(row.oid);
    if (!relation) continue;
    const mode = modeOfPgLocks[row.mode]!;
    const before = held.get(relation);
    if (!before || atLeast(mode, before)) held.set(relation, mode);
  }
  return held;
}

/** The statements of a text, one by one (the connection sends one statement per query). */
function statementsOf(sql: string): string[] {
  return (parseSync(sql).stmts ?? []).map((raw) => {
    const start = raw.stmt_location ?? 0;
    return sql.slice(start, raw.stmt_len ? start + raw.stmt_len : undefined).trim();
  });
}

function modelLocks(sql: string): Map<string, LockMode> {
  const model = new Map<string, LockMode>();
  for (const raw of parseSync(sql).stmts ?? []) {
    for (const lock of relationLocks(raw.stmt!)) {
      const before = model.get(lock.relation);
      if (!before || atLeast(lock.mode, before)) model.set(lock.relation, lock.mode);
    }
  }
  return model;
}

describe.each(testServersOf('postgres'))('lint lock model against $label', (server) => {
  let test: TestDatabase;
  let session: Session;
  /** oid → name (as `regclass` prints it) of every relation of the schema above. */
  let existing: Map<string, string>;

  beforeAll(async () => {
    await loadModule();
    test = await createTestDatabase(server);
    for (const statement of statementsOf(schema)) await test.exec(statement);
    const rows = await test.exec(
      `SELECT c.oid::text AS oid, c.oid::regclass::text AS name FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'archive')`,
    );
    existing = new Map(rows.map((row) => [String(row.oid), String(row.name)]));
    session = await test.db.session();
  });
  afterAll(async () => {
    await session?.release();
    await test?.drop();
  });

  async function locksOf(sql: string): Promise<Map<string, LockMode>> {
    await session.query('BEGIN');
    try {
      for (const statement of statementsOf(sql)) await session.query(statement);
      return await heldLocks(session, existing);
    } finally {
      await session.query('ROLLBACK');
    }
  }

  it.each(locking)('%s', async (sql) => {
    const names = new Set(existing.values());
    const model = new Map([...modelLocks(sql)].filter(([relation]) => names.has(relation)));
    expect(model.size).toBeGreaterThan(0);
    const held = await locksOf(sql);
    const server = Object.fromEntries([...model.keys()].map((relation) => [relation, held.get(relation)]));
    expect(server).toEqual(Object.fromEntries(model));
  });

  it.each(exempt)('exempt: %s', async (sql) => {
    expect([...modelLocks(sql).values()].filter((mode) => atLeast(mode, 'SHARE UPDATE EXCLUSIVE'))).toEqual([]);
    const held = await locksOf(sql);
    const strong = [...held].filter(([, mode]) => atLeast(mode, 'SHARE UPDATE EXCLUSIVE'));
    expect(strong).toEqual([]);
  });
});
