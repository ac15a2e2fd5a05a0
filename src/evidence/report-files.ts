import { writeRunFile } from '../executor/run-files.js';
import { judgementJson } from '../render/json/evidence.js';
import { renderJudgementsMarkdown } from '../render/markdown/evidence.js';
import type { VerifyJudgement } from './types.js';

/** Paths of the evidence reports written beside a run's rollback script. */
export interface EvidenceReportFiles {
  json: string;
  markdown: string;
}

/**
 * Writes `<dir>/<base>.report.json` (`{run, verify: [...]}`, the apply JSON's verify array) and
 * `<dir>/<base>.report.md` (the same as a markdown table), each created exclusively with mode 0600,
 * and returns their paths (`base` is the run's file base, `<database>-<run>`).
 */
export async function writeEvidenceReports(
  dir: string,
  base: string,
  runId: number,
  verify: readonly VerifyJudgement[],
): Promise<EvidenceReportFiles> {
  const document = { run: runId, verify: verify.map(judgementJson) };
  const json = await writeRunFile(dir, base, '.report.json', `${JSON.stringify(document, null, 2)}\n`);
  const markdown = await writeRunFile(
    dir,
    base,
    '.report.md',
    `# safe-index run ${runId}: verify evidence\n\n${renderJudgementsMarkdown(verify)}`,
  );
  return { json, markdown };
}
