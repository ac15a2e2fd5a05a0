import type { LintReport } from '../types.js';
import { renderLintGithub } from './github.js';
import { renderLintJson } from './json.js';
import { renderLintText } from './text.js';

/** Formats `lint` can print. */
export type LintFormat = 'text' | 'json' | 'github';

/** Renders a lint report in the requested format. */
export function renderLintReport(report: LintReport, format: LintFormat, color: boolean): string {
  if (format === 'json') return renderLintJson(report);
  if (format === 'github') return renderLintGithub(report);
  return renderLintText(report, color);
}
