// Benchmark: `safe-index apply` against `pt-online-schema-change` (Debian package percona-toolkit) for
// the same index on MariaDB, with one connection writing (insert + update) throughout: wall time of each
// tool's process and the slowest single write the writer saw while it ran. Interleaved, medians; the
// index is dropped between runs.
// Usage: npm run build && node bench/pt-osc.mjs [--rows 1000000] [--runs 3]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOrdersSql, startOrdersWriter, writeOrdersPlan } from './orders.mjs';
import { arg, bin, machine, ms } from './process.mjs';
import { createScratchDatabase, median } from './scratch.mjs';

const rows = arg('--rows', 1_000_000);
const runs = arg('--runs', 3);
const name = 'si_bench_ptosc';
const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-bench-ptosc-'));
const plan = await writeOrdersPlan(dir);

/** Runs a process to completion; resolves with its wall time, rejects on a non-zero exit. */
function runProcess(command, args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => {
      const wall = performance.now() - started;
      code === 0 ? resolve(wall) : reject(new Error(`${command} exited ${code}: ${stderr}`));
    });
  });
}

let scratch;
try {
  scratch = await createScratchDatabase('mysql://root@127.0.0.1:3306/', (n) => `\`${n}\``, name);
  const { db } = scratch;
  for (const sql of createOrdersSql('mysql', rows)) await db.query(sql);
  const tools = {
    'safe-index apply': () => runProcess(process.execPath, [bin, 'apply', plan, '--url', scratch.url]),
    'pt-online-schema-change': () =>
      runProcess('pt-online-schema-change', [
        '--alter',
        'ADD INDEX idx_bench (customer, status)',
        `h=127.0.0.1,u=root,D=${name},t=orders`,
        '--execute',
        '--no-check-replication-filters',
        '--recursion-method=none',
      ]),
  };
  const results = new Map(Object.keys(tools).map((label) => [label, { walls: [], worsts: [], failed: 0 }]));
  for (let round = 0; round < runs; round += 1) {
    for (const [label, run] of Object.entries(tools)) {
      const stop = await startOrdersWriter(db);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const wall = await run();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { worst, failed } = await stop();
      results.get(label).walls.push(wall);
      results.get(label).worsts.push(worst);
      results.get(label).failed += failed;
      await db.query('alter table orders drop index idx_bench');
    }
  }
  console.log(
    `pt-osc: MariaDB, one index on ${rows.toLocaleString('en-US')} rows, ${runs} interleaved runs; ${machine()}\n`,
  );
  console.log('| tool | wall, median (min–max) | slowest write, median of runs (max) | failed writes, all runs |');
  console.log('|---|---:|---:|---:|');
  for (const [label, r] of results) {
    console.log(
      `| ${label} | ${ms(median(r.walls))} (${ms(Math.min(...r.walls))}–${ms(Math.max(...r.walls))}) | ${ms(median(r.worsts))} (${ms(Math.max(...r.worsts))}) | ${r.failed} |`,
    );
  }
} finally {
  await scratch?.drop().catch((error) => console.error(error.message));
  await rm(dir, { recursive: true, force: true });
}
