import type { MysqlFile, ParsedFile, PostgresFile } from '../source/parsed-file.js';
import type { FileFacts, FindingLevel, LintFamily, LintRunOptions } from '../types.js';

/** What a rule gets besides the parsed file. */
export interface RuleContext {
  options: LintRunOptions;
  facts: FileFacts;
}

/** A statement a rule objects to; `message` replaces the rule's default message when given. */
export interface RuleHit {
  statement: number;
  message?: string;
}

/** One lint rule: a stable id, its default level, what harm it names and the safe form. */
export interface LintRule {
  id: string;
  level: FindingLevel;
  families: readonly LintFamily[];
  /** The harm, stated once (used when a hit carries no message of its own). */
  message: string;
  /** The safe form to use instead. */
  help: string;
  check(file: ParsedFile, context: RuleContext): RuleHit[];
}

type RuleHead = Omit<LintRule, 'families' | 'check'>;

/** Declares a PostgreSQL-only rule. */
export function postgresRule(head: RuleHead, check: (file: PostgresFile, context: RuleContext) => RuleHit[]): LintRule {
  return {
    ...head,
    families: ['postgres'],
    check: (file, context) => (file.family === 'postgres' ? check(file, context) : []),
  };
}

/** Declares a MySQL/MariaDB-only rule. */
export function mysqlRule(head: RuleHead, check: (file: MysqlFile, context: RuleContext) => RuleHit[]): LintRule {
  return {
    ...head,
    families: ['mysql'],
    check: (file, context) => (file.family === 'mysql' ? check(file, context) : []),
  };
}

/** Declares a rule for both families (it reads only the family-neutral facts and comments). */
export function sharedRule(head: RuleHead, check: (file: ParsedFile, context: RuleContext) => RuleHit[]): LintRule {
  return { ...head, families: ['postgres', 'mysql'], check };
}
