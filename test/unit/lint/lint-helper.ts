import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import { namingPatternFromNames } from '../../../src/lint/naming.js';
import type { LintDialect } from '../../../src/lint/types.js';

/** What one case sets besides the SQL: a file the runner wraps in a transaction, the plans' index names. */
export interface CaseOptions {
  inTransaction?: boolean;
  planNames?: string[];
}

/** Lints SQL and returns `rule@line` for every finding of `rule`. */
async function findingsOf(sql: string, dialect: LintDialect, rule: string, options: CaseOptions): Promise<string[]> {
  const result = await lintSql('test.sql', sql, {
    dialect,
    assumeInTransaction: options.inTransaction ?? false,
    namingPattern: options.planNames ? namingPatternFromNames(options.planNames) : undefined,
    levels: {},
  });
  return result.findings.filter((finding) => finding.rule === rule).map((finding) => `${finding.rule}@${finding.line}`);
}

/** The ok and error cases of one lint rule; a flagged case names the line of its one finding. */
export function describeRule(
  rule: string,
  cases: {
    accepts: [sql: string, dialect: LintDialect, options?: CaseOptions][];
    flags: [sql: string, dialect: LintDialect, line: number, options?: CaseOptions][];
  },
): void {
  describe(rule, () => {
    it.each(cases.accepts)('accepts %s', async (sql, dialect, options = {}) => {
      expect(await findingsOf(sql, dialect, rule, options)).toEqual([]);
    });
    it.each(cases.flags)('flags %s', async (sql, dialect, line, options = {}) => {
      expect(await findingsOf(sql, dialect, rule, options)).toEqual([`${rule}@${line}`]);
    });
  });
}
