// Benchmark: `plan` of 5 named tables in a schema of 10,000 tables against the same plan in a schema of
// 10 tables (PostgreSQL), whole processes, interleaved, medians.
// Usage: npm run build && node bench/plan-scale.mjs [--tables 10000] [--runs 7]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arg, bin, interleaved, machine, ms, timeProcess } from './process.mjs';
import { withScratchDatabase } from './scratch.mjs';

const tables = arg('--tables', 10_000);
const runs = arg('--runs', 7);
const admin = 'postgres://postgres@127.0.0.1:5432/postgres';
const quote = (name) => `"${name}"`;
const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-bench-scale-'));
const plan = path.join(dir, 'plan.yml');
const entries = [1, 2, 3, 4, 5].map((i) => `  - name: t${i}_a\n    table: t${i}\n    columns: [a]\n`);
await writeFile(plan, `indexes:\n${entries.join('')}`);

/** Creates tables t1..tn, each with a primary key and an index on a (the plan's indexes: in sync), 250 per statement. */
async function createTables(db, n) {
  for (let from = 1; from <= n; from += 250) {
    await db.query(`do $$ begin for i in ${from}..${Math.min(n, from + 249)} loop
       execute format('create table t%s (id int primary key, a int, b text)', i);
       execute format('create index t%s_a on t%s (a)', i, i);
     end loop; end $$`);
  }
}

try {
  await withScratchDatabase(admin, quote, 'si_bench_scale_small', async (small, smallUrl) => {
    await createTables(small, 10);
    await withScratchDatabase(admin, quote, 'si_bench_scale_large', async (large, largeUrl) => {
      await createTables(large, tables);
      await large.query('analyze');
      const node = (url) => () => timeProcess(process.execPath, [bin, 'plan', plan, '--url', url], { cwd: dir });
      const results = interleaved(
        [
          { label: '10 tables', run: node(smallUrl) },
          { label: `${tables.toLocaleString('en-US')} tables`, run: node(largeUrl) },
        ],
        runs,
      );
      const base = results.get('10 tables');
      console.log(`plan-scale: plan of 5 tables, ${runs} interleaved runs after one warm-up; ${machine()}\n`);
      console.log('| schema | wall, median (min–max) | × 10 tables | CPU, median |');
      console.log('|---|---:|---:|---:|');
      for (const [label, r] of results) {
        console.log(
          `| ${label} | ${ms(r.median)} (${ms(r.min)}–${ms(r.max)}) | ${(r.median / base.median).toFixed(2)}× | ${ms(r.cpu)} |`,
        );
      }
    });
  });
} finally {
  await rm(dir, { recursive: true, force: true });
}
