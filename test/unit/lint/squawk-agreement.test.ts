import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import { corpusRoot, readCorpus } from './corpus.js';

/** Squawk rule → our rule, for the PostgreSQL rules both tools have. */
const sharedRules: Record<string, string> = {
  'require-concurrent-index-creation': 'create-index-non-concurrently',
  'require-concurrent-index-deletion': 'drop-index-non-concurrently',
  'require-concurrent-reindex': 'reindex-non-concurrently',
  'ban-concurrent-index-creation-in-transaction': 'concurrently-in-transaction',
  'disallowed-unique-constraint': 'add-unique-constraint-without-using-index',
  'adding-serial-primary-key-field': 'add-unique-constraint-without-using-index',
  'require-lock-timeout': 'missing-lock-timeout',
};
const ourShared = new Set(Object.values(sharedRules));

/** Every disagreement on the corpus, each explained in docs/lint.md ("Squawk comparison"). */
const explainedDifferences: Record<string, string> = {
  // A table created earlier in the same file is new: no one else uses it yet. Squawk exempts it only
  // inside the same transaction.
  'squawk-only postgres/001_create_customers.sql create-index-non-concurrently@8': 'new table',
  'squawk-only postgres/001_create_customers.sql create-index-non-concurrently@9': 'new table',
  'squawk-only postgres/001_create_customers.sql missing-lock-timeout@8': 'new table',
  'squawk-only postgres/011_partitioned_events.sql missing-lock-timeout@8': 'new table',
  'squawk-only postgres/012_partitioned_events_safe.sql create-index-non-concurrently@7': 'new table',
  'squawk-only postgres/012_partitioned_events_safe.sql missing-lock-timeout@7': 'new table',
  'squawk-only postgres/020_schema_qualified.sql create-index-non-concurrently@4': 'new table',
  // We parse statement by statement after a syntax error; Squawk stops checking the file.
  'ours-only postgres/018_parse_error.sql create-index-non-concurrently@5': 'parse recovery',
  // Functions, enum values, types, schemas, extensions, CREATE TABLE AS and new views lock no existing
  // relation; Squawk asks for a lock timeout before any DDL (so in 030 it reports the function, we the trigger).
  'ours-only postgres/030_create_trigger_existing.sql (in transaction) missing-lock-timeout@13':
    'DDL that locks no relation',
  'ours-only postgres/030_create_trigger_existing.sql missing-lock-timeout@13': 'DDL that locks no relation',
  'squawk-only postgres/030_create_trigger_existing.sql (in transaction) missing-lock-timeout@4':
    'DDL that locks no relation',
  'squawk-only postgres/030_create_trigger_existing.sql missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/048_functions_only.sql (in transaction) missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/048_functions_only.sql missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/049_enum_add_value.sql (in transaction) missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/049_enum_add_value.sql missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/051_create_table_as.sql (in transaction) missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/051_create_table_as.sql missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/053_new_view.sql (in transaction) missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/053_new_view.sql missing-lock-timeout@4': 'DDL that locks no relation',
  'squawk-only postgres/054_types_schema_extension.sql (in transaction) missing-lock-timeout@4':
    'DDL that locks no relation',
  'squawk-only postgres/054_types_schema_extension.sql missing-lock-timeout@4': 'DDL that locks no relation',
  // CREATE TABLE ... PARTITION OF takes ACCESS EXCLUSIVE on the existing parent (checked on the server by
  // test/integration/lint/postgres-lock-levels.test.ts); Squawk does not count it.
  'ours-only postgres/033_partition_of_existing.sql (in transaction) missing-lock-timeout@4':
    'partition of an existing parent',
  'ours-only postgres/033_partition_of_existing.sql missing-lock-timeout@4': 'partition of an existing parent',
  // SET LOCAL outside a transaction block does nothing; Squawk counts it.
  'ours-only postgres/043_set_local_without_begin.sql missing-lock-timeout@5': 'SET LOCAL outside a transaction',
  // The timeout ended before the statement (COMMIT after SET LOCAL, RESET, ROLLBACK of the SET); Squawk
  // counts any SET lock_timeout earlier in the file.
  'ours-only postgres/044_set_local_then_commit.sql (in transaction) missing-lock-timeout@8': 'timeout ended',
  'ours-only postgres/044_set_local_then_commit.sql missing-lock-timeout@8': 'timeout ended',
  'ours-only postgres/045_reset_lock_timeout.sql (in transaction) missing-lock-timeout@7': 'timeout ended',
  'ours-only postgres/045_reset_lock_timeout.sql missing-lock-timeout@7': 'timeout ended',
  'ours-only postgres/046_timeout_rolled_back.sql (in transaction) missing-lock-timeout@7': 'timeout ended',
  'ours-only postgres/046_timeout_rolled_back.sql missing-lock-timeout@7': 'timeout ended',
  // Relations created earlier in the file (also materialized views, views, renamed new tables): Squawk
  // exempts only index statements on a table created in the same transaction, and still asks for a lock
  // timeout there.
  'squawk-only postgres/050_new_tables_only.sql (in transaction) missing-lock-timeout@9': 'new table',
  'squawk-only postgres/050_new_tables_only.sql create-index-non-concurrently@13': 'new table',
  'squawk-only postgres/050_new_tables_only.sql missing-lock-timeout@9': 'new table',
  'squawk-only postgres/052_mview_in_same_file.sql (in transaction) create-index-non-concurrently@12': 'new table',
  'squawk-only postgres/052_mview_in_same_file.sql (in transaction) missing-lock-timeout@4': 'new table',
  'squawk-only postgres/052_mview_in_same_file.sql create-index-non-concurrently@12': 'new table',
  'squawk-only postgres/052_mview_in_same_file.sql missing-lock-timeout@4': 'new table',
  'squawk-only postgres/056_trigger_on_new_table.sql (in transaction) missing-lock-timeout@9': 'new table',
  'squawk-only postgres/056_trigger_on_new_table.sql missing-lock-timeout@9': 'new table',
  'squawk-only postgres/057_drop_view_created_here.sql (in transaction) missing-lock-timeout@4': 'new table',
  'squawk-only postgres/057_drop_view_created_here.sql missing-lock-timeout@4': 'new table',
  'squawk-only postgres/058_renamed_new_table.sql (in transaction) create-index-non-concurrently@9': 'new table',
  'squawk-only postgres/058_renamed_new_table.sql (in transaction) missing-lock-timeout@8': 'new table',
  'squawk-only postgres/058_renamed_new_table.sql create-index-non-concurrently@9': 'new table',
  'squawk-only postgres/058_renamed_new_table.sql missing-lock-timeout@8': 'new table',
};

function squawkVersion(): string | undefined {
  try {
    return execFileSync(path.resolve('node_modules/.bin/squawk'), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

function runSquawk(file: string, assumeInTransaction: boolean): string[] {
  const args = ['--reporter', 'json', ...(assumeInTransaction ? ['--assume-in-transaction'] : []), file];
  let output: string;
  try {
    output = execFileSync(path.resolve('node_modules/.bin/squawk'), args, { encoding: 'utf8' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? ''); // squawk exits 1 when it reports anything
  }
  const reports = JSON.parse(output) as Array<{ rule_name: string; line: number }>;
  return reports.flatMap((report) => {
    const ours = sharedRules[report.rule_name];
    return ours ? [`${ours}@${report.line + 1}`] : []; // squawk lines are 0-based
  });
}

const version = squawkVersion();

// Skipped (and reported as skipped, under this title) where the squawk-cli binary from npm does not run.
const squawkLabel = version ?? 'squawk-cli binary does not run on this machine';
describe.skipIf(!version)(`agreement with Squawk (${squawkLabel}) on the PostgreSQL corpus`, () => {
  it('finds the same problems for the shared rules, apart from the documented differences', async () => {
    const differences: string[] = [];
    for (const entry of readCorpus('postgres')) {
      const result = await lintSql(entry.file, entry.text, {
        dialect: 'postgres',
        assumeInTransaction: entry.assumeInTransaction,
        levels: {},
      });
      // Suppressed findings count: suppression is the author's decision, not a disagreement of the rules.
      const ours = new Set(
        [...result.findings, ...result.suppressed]
          .filter((finding) => ourShared.has(finding.rule))
          .map((finding) => `${finding.rule}@${finding.line}`),
      );
      const theirs = new Set(runSquawk(path.join(corpusRoot, entry.file), entry.assumeInTransaction));
      for (const finding of ours) if (!theirs.has(finding)) differences.push(`ours-only ${entry.label} ${finding}`);
      for (const finding of theirs) if (!ours.has(finding)) differences.push(`squawk-only ${entry.label} ${finding}`);
    }
    expect(differences.sort()).toEqual(Object.keys(explainedDifferences).sort());
    // one squawk process per corpus file: a guard against a hang, not a speed bound (66 s on a loaded 2-core machine)
  }, 600_000);
});
