import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { judgementJson } from './json.js';
import { renderJudgementsMarkdown } from './markdown.js';
import type { VerifyJudgement } from './types.js';

/** Paths of the evidence reports written beside a run's rollback script. */
export interface EvidenceReportFiles {
  json: string;
  markdown: string;
}

/**
 * Writes `<dir>/<runId>.report.json` (`{run, verify: [...]}`, the apply JSON's verify array) and
 * `<dir>/<runId>.report.md` (the same as a markdown table) and returns their paths.
 */
export async function writeEvidenceReports(
  dir: string,
  runId: number | string,
  verify: readonly VerifyJudgement[],
): Promise<EvidenceReportFiles> {
  await mkdir(dir, { recursive: true });
  const files = { json: join(dir, `${runId}.report.json`), markdown: join(dir, `${runId}.report.md`) };
  const document = { run: runId, verify: verify.map(judgementJson) };
  await writeFile(files.json, `${JSON.stringify(document, null, 2)}\n`);
  await writeFile(files.markdown, `# safe-index run ${runId}: verify evidence\n\n${renderJudgementsMarkdown(verify)}`);
  return files;
}
