import type { LintReport } from '../../lint/types.js';

/** JSON report: `{files, findings, suppressed, summary}` (shape documented in docs/lint.md). */
export function renderLintJson(report: LintReport): string {
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  return JSON.stringify(
    {
      files: report.files,
      findings: report.findings,
      suppressed: report.suppressed,
      summary: { errors, warnings: report.findings.length - errors, suppressed: report.suppressed.length },
    },
    null,
    2,
  );
}
