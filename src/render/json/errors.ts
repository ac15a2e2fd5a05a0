import type { PlanProblem } from '../../errors.js';

/** An error as SPEC's JSON shows it. */
export function problemJson(problem: PlanProblem) {
  return {
    message: problem.message,
    code: problem.code,
    ...(problem.file ? { file: problem.file, line: problem.line, column: problem.column } : {}),
    ...(problem.index ? { index: problem.index } : {}),
    ...(problem.table ? { table: problem.table } : {}),
  };
}
