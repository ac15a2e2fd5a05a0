// Benchmark: what a concurrent writer sees while an index is built on a 1M-row table.
// safe-index apply (PG: CREATE INDEX CONCURRENTLY; MariaDB: ALGORITHM=NOCOPY, LOCK=NONE) against the
// blocking statement a plain migration would run (PG: CREATE INDEX; MariaDB: ALGORITHM=COPY, LOCK=SHARED).
// Usage: npm run build && node bench/online-build.mjs [--rows 1000000] [--runs 3]
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { apply, rollback } from '../dist/index.js';
import { createOrdersSql, startOrdersWriter, writeOrdersPlan } from './orders.mjs';
import { median, withScratchDatabase } from './scratch.mjs';

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const rows = arg('--rows', 1_000_000);
const runs = arg('--runs', 3);

const servers = [
  {
    label: 'postgres',
    admin: 'postgres://postgres@127.0.0.1:5432/postgres',
    q: (n) => `"${n}"`,
    setup: createOrdersSql('postgres', rows),
    blocking: 'create index idx_bench on orders (customer, status)',
    drop: 'drop index idx_bench',
  },
  {
    label: 'mariadb',
    admin: 'mysql://root@127.0.0.1:3306/',
    q: (n) => `\`${n}\``,
    setup: createOrdersSql('mysql', rows),
    blocking: 'alter table orders add index idx_bench (customer, status), algorithm=copy, lock=shared',
    drop: 'alter table orders drop index idx_bench',
  },
];

const results = [];
for (const server of servers) {
  await withScratchDatabase(server.admin, server.q, `si_bench_build_${process.pid}`, async (db, scratchUrl) => {
    const url = new URL(scratchUrl);
    const dir = await mkdtemp(path.join(tmpdir(), 'si-bench-'));
    const plan = await writeOrdersPlan(dir);
    for (const sql of server.setup) await db.query(sql);
    for (const mode of ['safe-index apply', 'blocking statement']) {
      const builds = [];
      const worsts = [];
      for (let i = 0; i < runs; i++) {
        const stop = await startOrdersWriter(db);
        await new Promise((resolve) => setTimeout(resolve, 200));
        const started = performance.now();
        if (mode === 'safe-index apply') {
          const result = await apply({ url: url.toString(), paths: [plan], rollbackDir: dir });
          if (result.status !== 'applied') throw new Error(JSON.stringify(result.errors));
        } else await db.query(server.blocking);
        const elapsed = performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 200));
        const writer = await stop();
        if (writer.failed > 0) throw new Error(`${writer.failed} writes failed during the ${mode}`);
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
