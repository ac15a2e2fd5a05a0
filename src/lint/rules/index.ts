import type { FindingLevel } from '../types.js';
import { addUniqueConstraintWithoutUsingIndex } from './add-unique-constraint-without-using-index.js';
import { algorithmCopy } from './algorithm-copy.js';
import { blockingLockOption } from './blocking-lock-option.js';
import { combinableAlterTable } from './combinable-alter-table.js';
import { concurrentlyInTransaction } from './concurrently-in-transaction.js';
import { concurrentlyOnPartitionedTable } from './concurrently-on-partitioned-table.js';
import { createIndexNonConcurrently } from './create-index-non-concurrently.js';
import { dropIndexNonConcurrently } from './drop-index-non-concurrently.js';
import { fulltextOrSpatialIndex } from './fulltext-or-spatial-index.js';
import { indexNamePattern } from './index-name-pattern.js';
import { missingLockTimeout } from './missing-lock-timeout.js';
import { missingOnlineDdlOptions } from './missing-online-ddl-options.js';
import { reindexNonConcurrently } from './reindex-non-concurrently.js';
import type { LintRule } from './rule.js';
import { uniqueIndexWithoutDuplicatesCheck } from './unique-index-without-duplicates-check.js';

/** Every lint rule, PostgreSQL first, then MySQL/MariaDB, then the shared ones. */
export const lintRules: readonly LintRule[] = [
  createIndexNonConcurrently,
  concurrentlyInTransaction,
  dropIndexNonConcurrently,
  reindexNonConcurrently,
  addUniqueConstraintWithoutUsingIndex,
  concurrentlyOnPartitionedTable,
  missingOnlineDdlOptions,
  algorithmCopy,
  blockingLockOption,
  fulltextOrSpatialIndex,
  combinableAlterTable,
  missingLockTimeout,
  uniqueIndexWithoutDuplicatesCheck,
  indexNamePattern,
];

/** One check the linter itself makes (not a rule). */
export interface BuiltinCheck {
  id: string;
  level: FindingLevel;
  help: string;
}

/** Findings the linter itself raises (not from a rule): they can be re-levelled but not suppressed inline. */
export const builtinChecks = {
  parseError: {
    id: 'parse-error',
    level: 'error',
    help: 'Fix the statement, or if the server accepts it, report the parser gap; the linter cannot vouch for a statement it cannot read',
  },
  knexCaptureError: {
    id: 'knex-capture-error',
    level: 'error',
    help: 'Lint the SQL some other way, or make up(knex) run without query results (see docs/lint.md)',
  },
  invalidSuppression: {
    id: 'invalid-suppression',
    level: 'error',
    help: 'Write -- safe-index-ignore: <rule-id> <reason>, naming a known rule and saying why the statement is safe',
  },
} satisfies Record<string, BuiltinCheck>;
