import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { familyOf } from './dialect.js';
import { mysqlFacts } from './mysql/facts.js';
import { postgresFacts } from './postgres/facts.js';
import { type BuiltinCheck, builtinChecks, lintRules } from './rules/index.js';
import type { ParsedFile } from './source/parsed-file.js';
import { applySuppressions } from './suppression.js';
import type { Finding, FindingLevel, LintDialect, LintReport, LintRunOptions } from './types.js';

/** Everything that decides how files are linted. */
export interface LintOptions extends LintRunOptions {
  dialect: LintDialect;
  /** Level overrides from the config file; `off` drops the rule. */
  levels: Record<string, FindingLevel | 'off'>;
}

/** Ids of every rule and built-in check (what suppressions and the config may name). */
export const knownRuleIds: ReadonlySet<string> = new Set([
  ...lintRules.map((rule) => rule.id),
  ...Object.values(builtinChecks).map((check) => check.id),
]);

/** Parses a file's SQL with the parser of its dialect (only that parser is loaded). */
async function parseMigration(path: string, text: string, dialect: LintDialect): Promise<ParsedFile> {
  return familyOf(dialect) === 'postgres'
    ? (await import('./source/parse-postgres.js')).parsePostgresFile(path, text)
    : (await import('./source/parse-mysql.js')).parseMysqlFile(path, text, dialect as 'mysql' | 'mariadb');
}

/** Lints the SQL text of one migration file. */
export async function lintSql(path: string, text: string, options: LintOptions): Promise<Omit<LintReport, 'files'>> {
  const file = await parseMigration(path, text, options.dialect);
  const facts = file.family === 'postgres' ? postgresFacts(file, options) : mysqlFacts(file);
  const raw: Finding[] = [];
  for (const rule of lintRules) {
    const level = options.levels[rule.id] ?? rule.level;
    if (level === 'off' || !rule.families.includes(file.family)) continue;
    for (const hit of rule.check(file, { options, facts })) {
      const statement = file.statements[hit.statement]!;
      raw.push({
        file: path,
        line: statement.line,
        column: statement.column,
        level,
        rule: rule.id,
        message: hit.message ?? rule.message,
        help: rule.help,
      });
    }
  }
  const outcome = applySuppressions(file, raw, knownRuleIds);
  for (const problem of file.problems) {
    const message = `The ${options.dialect} parser cannot read this statement, so it was not checked: ${problem.message}`;
    const finding = builtinFinding(builtinChecks.parseError, options.levels, path, problem, message);
    if (finding) outcome.findings.push(finding);
  }
  for (const { comment, message } of outcome.problems) {
    const text = `${message}; it suppresses nothing`;
    const finding = builtinFinding(builtinChecks.invalidSuppression, options.levels, path, comment, text);
    if (finding) outcome.findings.push(finding);
  }
  return { findings: sortFindings(outcome.findings), suppressed: sortFindings(outcome.suppressed) };
}

/** A finding of one of the linter's own checks at `at`, or undefined when the config turns the check off. */
export function builtinFinding(
  check: BuiltinCheck,
  levels: LintOptions['levels'],
  file: string,
  at: { line: number; column: number },
  message: string,
): Finding | undefined {
  const level = levels[check.id] ?? check.level;
  if (level === 'off') return undefined;
  return { file, line: at.line, column: at.column, level, rule: check.id, message, help: check.help };
}

/** Lints SQL migration files, in the order given. */
export async function lintFiles(paths: readonly string[], options: LintOptions): Promise<LintReport> {
  const report: LintReport = { files: [], findings: [], suppressed: [] };
  for (const path of await expandSqlFiles(paths)) {
    const result = await lintSql(path, await readFile(path, 'utf8'), options);
    report.files.push(path);
    report.findings.push(...result.findings);
    report.suppressed.push(...result.suppressed);
  }
  return report;
}

/** Files as given, and for a folder its `*.sql` files (recursively), in name order. */
async function expandSqlFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const given of paths) {
    if (!(await stat(given)).isDirectory()) {
      files.push(given);
      continue;
    }
    const entries = await readdir(given, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((entry) => entry.isFile() && /\.sql$/i.test(entry.name))
        .map((entry) => join(entry.parentPath, entry.name))
        .sort(),
    );
  }
  return files;
}

/** Orders findings by file position, then rule id. */
export function sortFindings<T extends Finding>(findings: T[]): T[] {
  return findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
}
