import { SafeIndexError } from '../errors.js';
import { loadLintConfig } from './config.js';
import { resolveLintDialect } from './dialect.js';
import { builtinFinding, knownRuleIds, type LintOptions, lintFiles, lintSql, sortFindings } from './engine.js';
import { namingPatternFromConfig, namingPatternFromPlans } from './naming.js';
import { builtinChecks } from './rules/index.js';
import type { Finding, LintReport, NamingPattern } from './types.js';

/** What the `lint` command asks for. */
export interface LintRequest {
  files: string[];
  dialect?: string;
  url?: string;
  assumeInTransaction?: boolean;
  plans?: string;
  config?: string;
  knex?: string;
}

/** Resolves dialect, config and naming convention, then lints the SQL files and the knex migrations. */
export async function runLint(request: LintRequest): Promise<LintReport & { notes: string[] }> {
  const dialect = resolveLintDialect(request.dialect, request.url);
  const config = await loadLintConfig(request.config, knownRuleIds);
  const notes: string[] = [];
  let namingPattern: NamingPattern | undefined;
  if (config.namingPattern !== undefined) namingPattern = namingPatternFromConfig(config.namingPattern, config.file);
  else if (request.plans) {
    namingPattern = await namingPatternFromPlans(request.plans);
    if (!namingPattern)
      notes.push(`the index names in ${request.plans} share no prefix; index-name-pattern is not checked`);
  }
  if (request.files.length === 0 && !request.knex) {
    throw new SafeIndexError('usage', 'lint: name SQL migration files, or a knex migrations folder with --knex');
  }
  const options: LintOptions = {
    dialect,
    assumeInTransaction: Boolean(request.assumeInTransaction || config.assumeInTransaction),
    namingPattern,
    levels: config.rules,
  };
  const report = await lintFiles(request.files, options);
  if (request.knex) {
    // knex (with lodash, ~560 KB bundled) loads only to capture knex migrations
    const { capturedScript, captureKnexMigrations } = await import('./knex-capture.js');
    for (const migration of await captureKnexMigrations(request.knex, dialect)) {
      report.files.push(migration.file);
      const { sql, origins } = capturedScript(migration);
      const result = await lintSql(migration.file, sql, {
        ...options,
        assumeInTransaction: options.assumeInTransaction || migration.inTransaction,
      });
      const relocate = <T extends Finding>(finding: T): T => ({
        ...finding,
        ...(origins[finding.line - 1] ?? { line: 1, column: 1 }),
      });
      report.findings.push(...result.findings.map(relocate));
      report.suppressed.push(...result.suppressed.map(relocate));
      if (!migration.error) continue;
      const message = `The migration's SQL could not be captured, so it was not (fully) checked: ${migration.error}`;
      const start = { line: 1, column: 1 };
      const finding = builtinFinding(builtinChecks.knexCaptureError, config.rules, migration.file, start, message);
      if (finding) report.findings.push(finding);
    }
  }
  return { ...report, findings: sortByFile(report.findings), notes };
}

function sortByFile(findings: Finding[]): Finding[] {
  const order = new Map<string, number>();
  for (const finding of findings) if (!order.has(finding.file)) order.set(finding.file, order.size);
  const groups = [...order.keys()].map((file) => sortFindings(findings.filter((finding) => finding.file === file)));
  return groups.flat();
}

export { lintRules } from './rules/index.js';
export type { Finding, LintReport } from './types.js';
