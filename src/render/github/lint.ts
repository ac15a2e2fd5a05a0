import type { LintReport } from '../../lint/types.js';

/** Escapes a workflow-command property value (GitHub's `escapeProperty`). */
function escapeProperty(value: string): string {
  return value
    .replace(/%/g, '%25')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
    .replace(/:/g, '%3A')
    .replace(/,/g, '%2C');
}

/** Escapes a workflow-command message (GitHub's `escapeData`). */
function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub Actions annotations: one `::error` or `::warning` workflow command per finding. */
export function renderLintGithub(report: LintReport): string {
  return report.findings
    .map((finding) => {
      const command = finding.level === 'error' ? 'error' : 'warning';
      const properties = `file=${escapeProperty(finding.file)},line=${finding.line},col=${finding.column},title=${escapeProperty(finding.rule)}`;
      return `::${command} ${properties}::${escapeData(`${finding.message}\nhelp: ${finding.help}`)}`;
    })
    .join('\n');
}
