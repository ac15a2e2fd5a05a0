import { lintSql } from '../../../src/lint/engine.js';
import { namingPatternFromNames } from '../../../src/lint/naming.js';
import type { LintDialect } from '../../../src/lint/types.js';

/** Lints SQL and returns `rule@line` for every finding (optionally of one rule only). */
export async function findingsOf(
  sql: string,
  dialect: LintDialect,
  options: { rule?: string; assumeInTransaction?: boolean; planNames?: string[] } = {},
): Promise<string[]> {
  const namingPattern = options.planNames ? namingPatternFromNames(options.planNames) : undefined;
  const result = await lintSql('test.sql', sql, {
    dialect,
    assumeInTransaction: options.assumeInTransaction ?? false,
    namingPattern,
    levels: {},
  });
  return result.findings
    .filter((finding) => !options.rule || finding.rule === options.rule)
    .map((finding) => `${finding.rule}@${finding.line}`);
}
