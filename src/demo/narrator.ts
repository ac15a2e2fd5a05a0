import { createColors } from 'picocolors';
import type { VerifyJudgement } from '../evidence/types.js';
import type { ApplyReport } from '../executor/apply-plans.js';
import type { RollbackResult } from '../executor/rollback.js';
import type { PlanReport } from '../planner/types.js';
import { renderApplyText, renderRollbackText } from '../render/text/apply.js';
import { renderJudgementsText } from '../render/text/evidence.js';
import { planSummary, renderPlanText } from '../render/text/plan.js';

/** Prints the demo's steps as they happen. */
export interface DemoNarrator {
  step(number: number, title: string): void;
  line(text: string): void;
  tables(sizes: { table: string; rows: number; bytes: number }[]): void;
  plan(report: PlanReport): void;
  apply(report: ApplyReport, judgements: readonly VerifyJudgement[]): void;
  rollback(result: RollbackResult, planAfter: PlanReport): void;
}

/** Total number of steps the demo prints. */
const stepCount = 6;

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `   ${line}` : line))
    .join('\n');
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A narrator that writes readable text through `write` (stderr in the CLI), coloured when allowed. */
export function textNarrator(write: (line: string) => void, color: boolean): DemoNarrator {
  const c = createColors(color);
  return {
    step(number, title) {
      write('');
      write(c.bold(c.cyan(`[${number}/${stepCount}] ${title}`)));
    },
    line(text) {
      write(indent(text));
    },
    tables(sizes) {
      const width = Math.max(...sizes.map((size) => size.table.length));
      for (const size of sizes) {
        const rows = size.rows.toLocaleString('en').padStart(9);
        write(indent(`${size.table.padEnd(width)}  ${rows} rows  ${megabytes(size.bytes).padStart(9)}`));
      }
    },
    plan(report) {
      write(indent(renderPlanText(report, color)));
    },
    apply(report, judgements) {
      write(indent(renderApplyText(report, color)));
      write('');
      write(indent(renderJudgementsText(judgements, color)));
    },
    rollback(result, planAfter) {
      write(indent(renderRollbackText(result, color)));
      write(indent(c.dim(`plan now: ${planSummary(planAfter)} (the schema is back to where it started)`)));
    },
  };
}
