// Shared by the benchmarks that time whole commands: run a process, time it, compare side by side.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median } from './scratch.mjs';

/** The built CLI. */
export const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;

/**
 * Runs a command to completion under GNU time; returns its wall-clock and CPU (user + system)
 * milliseconds. Throws on an unexpected exit code.
 */
export function timeProcess(command, args, { okCodes = [0], cwd } = {}) {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%U %S', command, ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const wall = performance.now() - started;
  if (!okCodes.includes(run.status)) {
    throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr || run.stdout}`);
  }
  const [user, system] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { wall, cpu: (user + system) * 1000 };
}

/**
 * Times each case `runs` times, interleaved (one run of every case per round), after one warm-up
 * round, so the load of a shared machine falls on every case alike. Returns the median per case.
 */
export function interleaved(cases, runs) {
  const times = new Map(cases.map((c) => [c.label, []]));
  for (let round = -1; round < runs; round += 1) {
    for (const c of cases) {
      const t = c.run();
      if (round >= 0) times.get(c.label).push(t);
    }
  }
  return new Map(
    [...times].map(([label, ts]) => {
      const wall = ts.map((t) => t.wall);
      const cpu = median(ts.map((t) => t.cpu));
      return [label, { median: median(wall), min: Math.min(...wall), max: Math.max(...wall), cpu }];
    }),
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
