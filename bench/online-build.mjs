// Benchmark: what a concurrent writer sees while an index is built on a 1M-row table.
// safe-index apply (PG: CREATE INDEX CONCURRENTLY; MariaDB: ALGORITHM=NOCOPY, LOCK=NONE) against the
// blocking statement a plain migration would run (PG: CREATE INDEX; MariaDB: ALGORITHM=COPY, LOCK=SHARED).
// Usage: npm run build && node bench/online-build.mjs [--rows 1000000] [--runs 3]
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { apply, rollback } from '../dist/index.js';
import { median, withScratchDatabase } from './scratch.mjs';

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const rows = arg('--rows', 1_000_000);
const runs = arg('--runs', 3);

const servers = [
  {
    label: 'postgres',
    admin: 'postgres://postgres@127.0.0.1:5432/postgres',
    q: (n) => `"${n}"`,
    setup: [
      'create table orders (id bigserial primary key, customer int not null, status text not null, total numeric not null)',
      `insert into orders (customer, status, total) select g % 5000, (array['new','paid','sent'])[1 + g % 3], g % 997 from generate_series(1, ${rows}) g`,
      'analyze orders',
    ],
    blocking: 'create index idx_bench on orders (customer, status)',
    drop: 'drop index idx_bench',
  },
  {
    label: 'mariadb',
    admin: 'mysql://root@127.0.0.1:3306/',
    q: (n) => `\`${n}\``,
    setup: [
      'create table orders (id bigint auto_increment primary key, customer int not null, status varchar(16) not null, total decimal(12,2) not null) engine=InnoDB',
      `insert into orders (customer, status, total) select seq % 5000, elt(1 + seq % 3, 'new', 'paid', 'sent'), seq % 997 from seq_1_to_${rows}`,
      'analyze table orders',
    ],
    blocking: 'alter table orders add index idx_bench (customer, status), algorithm=copy, lock=shared',
    drop: 'alter table orders drop index idx_bench',
  },
];

/** One connection writing and reading as fast as it can, timing every statement. */
async function startWriter(db) {
  const session = await db.session();
  let running = true;
  let worst = 0;
  let count = 0;
  const loop = (async () => {
    while (running) {
      for (const sql of [
        "insert into orders (customer, status, total) values (42, 'new', 1)",
        `update orders set total = total + 1 where id = ${1 + Math.floor(Math.random() * 1000)}`,
      ]) {
        const started = performance.now();
        await session.query(sql);
        worst = Math.max(worst, performance.now() - started);
        count += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  })();
  return async () => {
    running = false;
    await loop;
    await session.release();
    return { worst, count };
  };
}

const results = [];
for (const server of servers) {
  await withScratchDatabase(server.admin, server.q, `si_bench_build_${process.pid}`, async (db, scratchUrl) => {
    const url = new URL(scratchUrl);
    const dir = await mkdtemp(path.join(tmpdir(), 'si-bench-'));
    const plan = path.join(dir, 'plan.yml');
    await writeFile(plan, 'indexes:\n  - name: idx_bench\n    table: orders\n    columns: [customer, status]\n');
    for (const sql of server.setup) await db.query(sql);
    for (const mode of ['safe-index apply', 'blocking statement']) {
      const builds = [];
      const worsts = [];
      for (let i = 0; i < runs; i++) {
        const stop = await startWriter(db);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const started = performance.now();
        if (mode === 'safe-index apply') {
          const result = await apply({ url: url.toString(), paths: [plan], rollbackDir: dir });
          if (result.status !== 'applied') throw new Error(JSON.stringify(result.errors));
        } else await db.query(server.blocking);
        const elapsed = performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 200));
        const writer = await stop();
        builds.push(elapsed);
        worsts.push(writer.worst);
        if (mode === 'safe-index apply') await rollback({ url: url.toString() });
        else await db.query(server.drop);
      }
      results.push({
        server: `${db.server.flavor} ${db.server.version}`,
        rows,
        mode,
        build_median_ms: Math.round(median(builds)),
        worst_write_median_ms: Math.round(median(worsts)),
        worst_write_max_ms: Math.round(Math.max(...worsts)),
      });
    }
  });
}
console.table(results);
console.log(JSON.stringify(results));
