import type { ExecutionSettings, ExecutionStep } from '../../../src/executor/types.js';
import type { TestDatabase } from '../../support/databases.js';

/** Hand-written steps for the engine tests, per dialect (the planner renders these in real runs). */
export function handSteps(test: TestDatabase) {
  const pg = test.server.dialect === 'postgres';
  const schema = test.db.server.defaultSchema;
  const table = { schema, name: 'orders' };
  const create = (index: string, columns: string, unique = false): ExecutionStep => ({
    action: 'create',
    table,
    index,
    online: true,
    sql: [
      pg
        ? `CREATE ${unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY "${index}" ON "${schema}"."orders" (${columns})`
        : `ALTER TABLE \`orders\` ADD ${unique ? 'UNIQUE ' : ''}INDEX \`${index}\` (${columns}), ALGORITHM=INPLACE, LOCK=NONE`,
    ],
    rollback: [
      pg
        ? `DROP INDEX CONCURRENTLY "${schema}"."${index}"`
        : `ALTER TABLE \`orders\` DROP INDEX \`${index}\`, ALGORITHM=INPLACE, LOCK=NONE`,
    ],
  });
  return { table, create };
}

/** Creates `orders(id, customer, status, total)` with `rows` rows generated inside the server. */
export async function createOrders(test: TestDatabase, rows: number): Promise<void> {
  if (test.server.dialect === 'postgres') {
    await test.exec(
      'create table orders (id bigserial primary key, customer int not null, status text not null, total numeric not null)',
    );
    await test.exec(
      `insert into orders (customer, status, total)
       select g % 500, (array['new','paid','sent'])[1 + g % 3], g % 997 from generate_series(1, ${rows}) g`,
    );
    await test.exec('analyze orders');
    return;
  }
  await test.exec(
    'create table orders (id bigint auto_increment primary key, customer int not null, status varchar(16) not null, total decimal(12,2) not null) engine=InnoDB',
  );
  await test.exec(
    `insert into orders (customer, status, total)
     with recursive seq(n) as (select 1 union all select n + 1 from seq where n < ${Math.min(rows, 1000)})
     select n % 500, elt(1 + n % 3, 'new', 'paid', 'sent'), n % 997 from seq`,
  );
  // doubling: each round copies the table onto itself
  while (Number((await test.exec('select count(*) as n from orders'))[0]?.n) < rows) {
    await test.exec('insert into orders (customer, status, total) select (id * 7) % 500, status, total from orders');
  }
  await test.exec('analyze table orders');
}

/** Short timeouts so lock tests take seconds. */
export const fastSettings: ExecutionSettings = { lockTimeoutMs: 1000, maxRetries: 2, blockers: 'wait' };

/** Names of the indexes on `orders` and whether each is valid. */
export async function indexesOf(test: TestDatabase): Promise<{ name: string; valid: boolean }[]> {
  if (test.server.dialect === 'postgres') {
    const rows = await test.exec(
      `select c.relname as name, i.indisvalid as valid from pg_index i join pg_class c on c.oid = i.indexrelid
        where i.indrelid = 'orders'::regclass order by 1`,
    );
    return rows.map((row) => ({ name: String(row.name), valid: Boolean(row.valid) }));
  }
  const rows = await test.exec(
    `select distinct index_name as name from information_schema.statistics
      where table_schema = database() and table_name = 'orders' order by 1`,
  );
  return rows.map((row) => ({ name: String(row.name), valid: true }));
}
