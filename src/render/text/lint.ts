import pc from 'picocolors';
import type { LintReport } from '../../lint/types.js';

/** Text report: `file:line:col level rule-id message`, the help indented below, then a summary line. */
export function renderLintText(report: LintReport, color: boolean): string {
  const paint = pc.createColors(color);
  const lines: string[] = [];
  for (const finding of report.findings) {
    const level = finding.level === 'error' ? paint.red('error') : paint.yellow('warning');
    lines.push(
      `${finding.file}:${finding.line}:${finding.column} ${level} ${paint.bold(finding.rule)} ${finding.message}`,
    );
    lines.push(`    help: ${finding.help}`);
  }
  const errors = report.findings.filter((finding) => finding.level === 'error').length;
  const warnings = report.findings.length - errors;
  const suppressed = report.suppressed.length > 0 ? `, ${report.suppressed.length} suppressed` : '';
  lines.push(`${report.files.length} file(s) linted: ${errors} error(s), ${warnings} warning(s)${suppressed}`);
  return lines.join('\n');
}
