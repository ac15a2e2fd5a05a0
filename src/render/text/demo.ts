import type { DemoResult } from '../../demo/run-demo.js';

/** One paragraph that says what the demo did and how long it took. */
export function demoSummaryText(result: DemoResult): string {
  const speedups = result.apply.result.verify.map((entry) => entry.speedup);
  const applied = result.apply.result.steps.filter((step) => step.status !== 'not_run').length;
  const fastest =
    speedups.length > 0
      ? `, verify queries ${Math.min(...speedups).toFixed(0)}x to ${Math.max(...speedups).toFixed(0)}x faster`
      : '';
  const s = (n: number) => `${n.toFixed(1)} s`;
  return [
    `demo finished in ${s(result.seconds.total)}: run ${result.apply.result.runId} ${result.apply.result.status} (${applied} change(s)${fastest}), then ${result.rollback.status.replace('_', ' ')}.`,
    `  server ${s(result.seconds.server)} · data ${s(result.seconds.data)} · plan ${s(result.seconds.plan)} · apply ${s(result.seconds.apply)} · rollback ${s(result.seconds.rollback)}`,
    'Next: write a plan for your own database (docs/plan-format.md), or start from `safe-index export --url ...`.',
  ].join('\n');
}
