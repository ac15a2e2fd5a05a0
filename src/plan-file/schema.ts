import * as z from 'zod';
import { parseDuration } from './duration.js';
import { formatLimit, limits } from './limits.js';
import type { PlanKeyPart } from './types.js';

const durationPattern = /^\d+(\.\d+)?(ms|s|m|h)$/;

/** A duration: `500ms`, `5s`, `2m`, or a number of milliseconds. */
const duration = z
  .union([z.string().regex(durationPattern, 'write a duration such as 500ms, 5s or 2m'), z.number().nonnegative()])
  .describe('A duration such as 500ms, 5s or 2m (a bare number is milliseconds).');

/** A duration no longer than `maxMs` (see limits.ts). */
function durationUpTo(maxMs: number) {
  const within = (value: string | number) => {
    try {
      return parseDuration(value) <= maxMs;
    } catch {
      return true; // not a duration at all: the pattern above reports it
    }
  };
  return duration.refine(within, {
    message: `must be at most ${formatLimit(maxMs)}`,
  });
}

/** C0 and C1 control characters (newline, carriage return, NUL, ...): never part of a name. */
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/;

const identifier = z
  .string()
  .min(1, 'must not be empty')
  .refine((name) => !controlCharacter.test(name), {
    message: 'a name must not contain control characters (newline, carriage return, NUL, ...)',
  });

/** One key part: a column name, or an object with column/expression and options. */
export const keyPartSchema = z.union([
  identifier.describe('Column name (ascending).'),
  z
    .strictObject({
      column: identifier.optional().describe('Column name.'),
      expression: z.string().min(1).optional().describe('Expression key part (PostgreSQL; MySQL 8.0.13+).'),
      order: z.enum(['asc', 'desc']).optional().describe('Sort order (default asc).'),
      length: z.number().int().positive().optional().describe('Prefix length in characters (MySQL/MariaDB).'),
      nulls: z.enum(['first', 'last']).optional().describe('NULLS FIRST/LAST (PostgreSQL).'),
    })
    .refine(
      (part): part is Exclude<PlanKeyPart, string> => (part.column === undefined) !== (part.expression === undefined),
      {
        message: 'a key part needs exactly one of `column` or `expression`',
      },
    ),
]);

/** A read-only query timed with EXPLAIN before and after the change. */
export const verifySchema = z.strictObject({
  name: z.string().min(1).describe('Label shown in reports.'),
  sql: z.string().min(1).describe('A single read-only SELECT or WITH query.'),
  expect: z.literal('uses_index').optional().describe('After apply the query plan must use this index.'),
});

/** One managed index. */
export const indexSchema = z
  .strictObject({
    name: identifier.describe('Index name; required and unique per table. The tool never invents names.'),
    table: identifier.describe('Table name.'),
    schema: identifier.optional().describe('PostgreSQL schema or MySQL database (default: the connection’s).'),
    columns: z
      .array(keyPartSchema)
      .min(1, 'an index needs at least one column')
      .optional()
      .describe('Key parts in order.'),
    unique: z.boolean().default(false).describe('Unique index.'),
    using: z
      .enum(['btree', 'hash', 'gin', 'gist', 'brin', 'spgist', 'fulltext', 'spatial'])
      .optional()
      .describe('Access method. PG: btree|hash|gin|gist|brin|spgist; MySQL: btree|hash|fulltext|spatial.'),
    where: z.string().min(1).optional().describe('Partial-index predicate (PostgreSQL).'),
    include: z.array(identifier).default([]).describe('Covering columns (PostgreSQL INCLUDE).'),
    state: z
      .enum(['present', 'absent', 'disabled'])
      .default('present')
      .describe(
        'absent: drop the index if it exists; disabled: keep it but hide it from the optimizer (MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED).',
      ),
    purpose: z.string().optional().describe('Free text shown in plans and reports.'),
    verify: z.array(verifySchema).default([]).describe('Read-only queries timed before and after.'),
  })
  .refine((index) => index.state !== 'present' || index.columns !== undefined, {
    message: '`columns` is required unless `state: absent` or `state: disabled`',
    path: ['columns'],
  });

/** Run settings of a plan file. */
export const settingsSchema = z.strictObject({
  lock_timeout: durationUpTo(limits.lockTimeoutMs)
    .optional()
    .describe('How long one DDL statement may wait for a lock before it gives up.'),
  max_retries: z
    .number()
    .int()
    .min(0)
    .max(limits.maxRetries, `must be at most ${limits.maxRetries}`)
    .optional()
    .describe('Retries of a step that timed out waiting for a lock.'),
  snapshot_wait: durationUpTo(limits.snapshotWaitMs)
    .optional()
    .describe('Longest wait of one step for old transactions it must outlive (--blockers wait), e.g. 10m.'),
  max_replica_lag: durationUpTo(limits.maxReplicaLagMs)
    .optional()
    .describe(
      'Before each step and after each build, apply waits until every replica is at most this far behind (default 10s).',
    ),
  explain_runs: z
    .number()
    .int()
    .min(1)
    .max(limits.explainRuns, `must be at most ${limits.explainRuns}`)
    .optional()
    .describe('Timed EXPLAIN executions per verify query.'),
  max_regression: z
    .number()
    .min(0)
    .max(limits.maxRegression, `must be at most ${limits.maxRegression}`)
    .optional()
    .describe('A verify query slower than before by more than this fraction fails the apply.'),
  require_usage_evidence: z
    .boolean()
    .optional()
    .describe('Refuse to drop or disable an index whose usage verdict is unknown (not only one that is used).'),
});

/** A whole plan file. */
export const planFileSchema = z
  .strictObject({
    settings: settingsSchema.optional(),
    indexes: z.array(indexSchema).default([]),
  })
  .describe('safe-index plan: the indexes a team wants, managed declaratively.');

/** The plan file as parsed. */
export type PlanFileInput = z.infer<typeof planFileSchema>;
