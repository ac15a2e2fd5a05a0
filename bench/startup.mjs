// Benchmark: start-up cost of the CLI against `node -e 0`, measured side by side (interleaved runs).
// --help; plan of one in-sync index (PostgreSQL and MariaDB, a one-table database); lint of one file.
// Usage: npm run build && node bench/startup.mjs [--runs 11]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arg, bin, interleaved, machine, ms, timeProcess } from './process.mjs';
import { withScratchDatabase } from './scratch.mjs';

const runs = arg('--runs', 11);
const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-bench-startup-'));
const plan = path.join(dir, 'plan.yml');
await writeFile(plan, 'indexes:\n  - name: idx_t_a\n    table: t\n    columns: [a]\n');
const migration = path.join(dir, 'migration.sql');
await writeFile(migration, 'CREATE INDEX CONCURRENTLY idx_t_b ON t (b);\n');

const node = (args, okCodes) => () => timeProcess(process.execPath, args, { okCodes, cwd: dir });
try {
  await withScratchDatabase(
    'postgres://postgres@127.0.0.1:5432/postgres',
    (n) => `"${n}"`,
    'si_bench_startup',
    async (pg, pgUrl) => {
      await pg.query('create table t (id int primary key, a int, b int)');
      await pg.query('create index idx_t_a on t (a)');
      await withScratchDatabase(
        'mysql://root@127.0.0.1:3306/',
        (n) => `\`${n}\``,
        'si_bench_startup',
        async (my, myUrl) => {
          await my.query('create table t (id int primary key, a int, b int, key idx_t_a (a))');
          const cases = [
            { label: 'node -e 0', run: node(['-e', '0']) },
            { label: 'safe-index --help', run: node([bin, '--help']) },
            { label: 'plan, in sync (PostgreSQL)', run: node([bin, 'plan', plan, '--url', pgUrl]) },
            { label: 'plan, in sync (MariaDB)', run: node([bin, 'plan', plan, '--url', myUrl]) },
            { label: 'lint of one file', run: node([bin, 'lint', migration, '--dialect', 'postgres']) },
          ];
          const results = interleaved(cases, runs);
          const base = results.get('node -e 0');
          console.log(`startup: ${runs} interleaved runs after one warm-up; ${machine()}\n`);
          console.log('| command | wall, median (min–max) | × node -e 0 | CPU, median | × node -e 0 |');
          console.log('|---|---:|---:|---:|---:|');
          for (const [label, r] of results) {
            const ratio = (r.median / base.median).toFixed(2);
            const cpu = (r.cpu / base.cpu).toFixed(2);
            console.log(
              `| ${label} | ${ms(r.median)} (${ms(r.min)}–${ms(r.max)}) | ${ratio}× | ${ms(r.cpu)} | ${cpu}× |`,
            );
          }
        },
      );
    },
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
