import type { ServerInfo } from '../connection/database.js';
import type { DialectExecutor } from '../dialects/executor-types.js';
import { oneLine } from '../render/one-line.js';
import type { UndoStep } from './rollback.js';
import type { ExecutionSettings, ExecutionStep } from './types.js';

/** What the header of a rollback script names. */
export interface RollbackScriptInfo {
  runId: number;
  date: Date;
  /** Target as it may be printed (no password). */
  target: string;
  server: ServerInfo;
}

/**
 * A runnable script that undoes the given applied steps: the DDL session settings, then each step's
 * reverse statements, last step first. Statements run one by one outside any transaction.
 */
export function renderRollbackScript(
  info: RollbackScriptInfo,
  applied: readonly ExecutionStep[],
  executor: DialectExecutor,
  settings: ExecutionSettings,
): string {
  const lines = [
    '-- safe-index rollback script',
    `-- run: ${info.runId}`,
    `-- date: ${info.date.toISOString()}`,
    `-- target: ${oneLine(info.target)}`,
    `-- server: ${info.server.flavor} ${info.server.version}`,
    `-- undoes ${applied.length} applied step(s), last first; \`safe-index rollback --run ${info.runId}\` does the same`,
    '-- run statement by statement, never inside a transaction',
    '',
  ];
  if (applied.length === 0) return `${lines.join('\n')}-- nothing to undo\n`;
  for (const sql of executor.ddlSessionSql({ ...settings, blockers: 'abort' })) lines.push(`${sql};`);
  for (const step of [...applied].reverse()) {
    lines.push(
      '',
      `-- undo ${step.action} ${oneLine(step.index)} on ${oneLine(step.table.schema)}.${oneLine(step.table.name)}`,
    );
    if (step.rollback.length === 0) lines.push('-- not reversible: no reverse statement exists');
    for (const sql of step.rollback) lines.push(`${sql};`);
  }
  return `${lines.join('\n')}\n`;
}

/** What `rollback` ran for a run, as a commented script (the steps as undone, last step first). */
export function renderRolledBackScript(runId: number, target: string, steps: readonly UndoStep[]): string {
  const lines = [
    `-- safe-index: statements run by \`rollback\` of run ${runId}`,
    `-- date: ${new Date().toISOString()}`,
    `-- target: ${oneLine(target)}`,
    '',
    ...steps.flatMap((step) => [
      `-- undo ${oneLine(step.action)} ${oneLine(step.index)} on ${oneLine(step.table)}`,
      ...step.sql.map((sql) => `${sql};`),
      '',
    ]),
  ];
  return lines.join('\n');
}
