// Shared by the index-build benchmarks: the `orders` table they build on, the plan they apply, and a
// connection writing to the table while the index is built.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

/** Statements that create `orders(id, customer, status, total)` with `rows` rows made in the server, then ANALYZE. */
export function createOrdersSql(dialect, rows) {
  return dialect === 'postgres'
    ? [
        'create table orders (id bigserial primary key, customer int not null, status text not null, total numeric not null)',
        `insert into orders (customer, status, total) select g % 5000, (array['new','paid','sent'])[1 + g % 3], g % 997 from generate_series(1, ${rows}) g`,
        'analyze orders',
      ]
    : [
        'create table orders (id bigint auto_increment primary key, customer int not null, status varchar(16) not null, total decimal(12,2) not null) engine=InnoDB',
        `insert into orders (customer, status, total) select seq % 5000, elt(1 + seq % 3, 'new', 'paid', 'sent'), seq % 997 from seq_1_to_${rows}`,
        'analyze table orders',
      ];
}

/** Writes the plan every build benchmark applies (`idx_bench` on orders (customer, status)) into `dir`; returns its path. */
export async function writeOrdersPlan(dir) {
  const plan = path.join(dir, 'plan.yml');
  await writeFile(plan, 'indexes:\n  - name: idx_bench\n    table: orders\n    columns: [customer, status]\n');
  return plan;
}

/**
 * One connection inserting into and updating `orders` as fast as it can, timing every statement; a
 * failed write is counted and the loop goes on. The returned `stop()` ends it and gives the slowest
 * write (ms), the writes done and the writes failed.
 */
export async function startOrdersWriter(db) {
  const session = await db.session('bench writer');
  let running = true;
  let worst = 0;
  let count = 0;
  let failed = 0;
  const loop = (async () => {
    while (running) {
      for (const sql of [
        "insert into orders (customer, status, total) values (42, 'new', 1)",
        `update orders set total = total + 1 where id = ${1 + Math.floor(Math.random() * 1000)}`,
      ]) {
        const started = performance.now();
        // pt-osc's triggers and chunk copy can deadlock with a write
        await session.query(sql).then(
          () => {
            count += 1;
          },
          () => {
            failed += 1;
          },
        );
        worst = Math.max(worst, performance.now() - started);
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await session.release();
    return { worst, count, failed };
  };
}
