// Shared by the benchmarks that time whole commands: run a process, time it, compare side by side.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median } from './scratch.mjs';

/** The built CLI. */
export const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;

/** Runs a command to completion and returns its wall-clock milliseconds (throws on an unexpected exit code). */
export function timeProcess(command, args, { okCodes = [0], cwd } = {}) {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - started;
  if (!okCodes.includes(run.status)) {
    throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr || run.stdout}`);
  }
  return ms;
}

/**
 * Times each case `runs` times, interleaved (one run of every case per round), after one warm-up
 * round, so the load of a shared machine falls on every case alike. Returns the median per case.
 */
export function interleaved(cases, runs) {
  const times = new Map(cases.map((c) => [c.label, []]));
  for (let round = -1; round < runs; round += 1) {
    for (const c of cases) {
      const ms = c.run();
      if (round >= 0) times.get(c.label).push(ms);
    }
  }
  return new Map(
    [...times].map(([label, xs]) => [label, { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) }]),
  );
}

/** `12.3` → `12 ms`, `1234` → `1,234 ms`. */
export const ms = (x) => `${Math.round(x).toLocaleString('en-US')} ms`;

/** Command-line argument `--name N` as a number, or the fallback. */
export const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};

/** The machine and the date, for the benchmark tables. */
export function machine() {
  const load = spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ');
  return `${new Date().toISOString().slice(0, 16)}Z, Node.js ${process.versions.node}, load average at start ${load}`;
}
