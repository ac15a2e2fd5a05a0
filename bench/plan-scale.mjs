// Benchmark: `plan` of 5 named tables in a schema of 10,000 tables against the same plan in a schema of
// 10 tables, on PostgreSQL and MariaDB; whole processes, interleaved, medians.
// Usage: npm run build && node bench/plan-scale.mjs [--tables 10000] [--runs 7]
// Setup (creating the large schemas, both servers at once) takes a few minutes: MariaDB creates one
// InnoDB file per table.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { arg, bin, interleaved, machine, ms, timeProcess } from './process.mjs';
import { createScratchDatabase } from './scratch.mjs';

const tables = arg('--tables', 10_000);
const runs = arg('--runs', 7);
const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-bench-scale-'));
const plan = path.join(dir, 'plan.yml');
const entries = [1, 2, 3, 4, 5].map((i) => `  - name: t${i}_a\n    table: t${i}\n    columns: [a]\n`);
await writeFile(plan, `indexes:\n${entries.join('')}`);

const servers = [
  {
    label: 'PostgreSQL',
    admin: 'postgres://postgres@127.0.0.1:5432/postgres',
    quote: (name) => `"${name}"`,
    /** Tables t1..tn, each with a primary key and an index on a (the plan's indexes: in sync), 250 per statement. */
    async createTables(db, n) {
      for (let from = 1; from <= n; from += 250) {
        await db.query(`do $$ begin for i in ${from}..${Math.min(n, from + 249)} loop
           execute format('create table t%s (id int primary key, a int, b text)', i);
           execute format('create index t%s_a on t%s (a)', i, i);
         end loop; end $$`);
      }
      await db.query('analyze');
    },
  },
  {
    label: 'MariaDB',
    admin: 'mysql://root@127.0.0.1:3306/',
    quote: (name) => `\`${name}\``,
    /** The same tables (InnoDB), made by a procedure on the server: one round trip. */
    async createTables(db, n) {
      await db.query(`create procedure si_bench_tables(n int) begin
          declare i int default 1;
          while i <= n do
            set @ddl = concat('create table t', i, ' (id int primary key, a int, b text, key t', i, '_a (a)) engine=InnoDB');
            prepare ddl from @ddl; execute ddl; deallocate prepare ddl;
            set i = i + 1;
          end while;
        end`);
      await db.query('call si_bench_tables(?)', [n]);
      await db.query('drop procedure si_bench_tables');
    },
  },
];

const scratches = [];
try {
  const started = performance.now();
  const made = await Promise.all(
    servers.map(async (server) => {
      const small = await createScratchDatabase(server.admin, server.quote, 'si_bench_scale_small');
      scratches.push(small);
      const large = await createScratchDatabase(server.admin, server.quote, 'si_bench_scale_large');
      scratches.push(large);
      await server.createTables(small.db, 10);
      await server.createTables(large.db, tables);
      return { server, small, large };
    }),
  );
  const setup = performance.now() - started;
  const node = (url) => () => timeProcess(process.execPath, [bin, 'plan', plan, '--url', url], { cwd: dir });
  const large = `${tables.toLocaleString('en-US')} tables`;
  const cases = made.flatMap(({ server, small, large: big }) => [
    { label: `${server.label}, 10 tables`, run: node(small.url) },
    { label: `${server.label}, ${large}`, run: node(big.url) },
  ]);
  const results = interleaved(cases, runs);
  console.log(
    `plan-scale: plan of 5 tables (in sync), ${runs} interleaved runs after one warm-up; ${machine()}; setup ${ms(setup)}\n`,
  );
  console.log('| server | schema | wall, median (min–max) | × 10 tables | CPU, median |');
  console.log('|---|---|---:|---:|---:|');
  for (const { server } of made) {
    const base = results.get(`${server.label}, 10 tables`);
    for (const schema of ['10 tables', large]) {
      const r = results.get(`${server.label}, ${schema}`);
      console.log(
        `| ${server.label} | ${schema} | ${ms(r.median)} (${ms(r.min)}–${ms(r.max)}) | ${(r.median / base.median).toFixed(2)}× | ${ms(r.cpu)} |`,
      );
    }
  }
} finally {
  for (const scratch of scratches) await scratch.drop().catch((error) => console.error(error.message));
  await rm(dir, { recursive: true, force: true });
}
