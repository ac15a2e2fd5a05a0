import type { Session } from '../../connection/database.js';
import { SafeIndexError } from '../../errors.js';
import type { TableRef } from '../../model/schema.js';
import type { ExplainDialect, HypotheticalIndexes, PlanEstimate, PlanFacts } from '../explain-types.js';
import { quoteQualified } from './identifiers.js';
import { postgresRefusedForEffects } from './routine-effects.js';

/** One node of PostgreSQL's `EXPLAIN (FORMAT JSON)` plan tree (the keys this tool reads). */
interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Total Cost'?: number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  'Shared Hit Blocks'?: number;
  'Shared Read Blocks'?: number;
  Plans?: PgPlanNode[];
}

/** The document PostgreSQL returns for `EXPLAIN (..., FORMAT JSON)`: a one-element array. */
type PgExplainDocument = Array<{ Plan: PgPlanNode; 'Planning Time'?: number; 'Execution Time'?: number }>;

function walk(node: PgPlanNode, visit: (node: PgPlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walk(child, visit);
}

function accessPath(node: PgPlanNode): string | undefined {
  if (node['Index Name'] && node['Relation Name']) {
    return `${node['Node Type']} using ${node['Index Name']} on ${node['Relation Name']}`;
  }
  if (node['Index Name']) return `${node['Node Type']} using ${node['Index Name']}`;
  if (node['Relation Name']) return `${node['Node Type']} on ${node['Relation Name']}`;
  return undefined;
}

function planShape(root: PgPlanNode): { indexes: string[]; accessPaths: string[] } {
  const indexes: string[] = [];
  const accessPaths: string[] = [];
  walk(root, (node) => {
    if (node['Index Name'] && !indexes.includes(node['Index Name'])) indexes.push(node['Index Name']);
    const path = accessPath(node);
    if (path) accessPaths.push(path);
  });
  return { indexes, accessPaths };
}

function documentOf(value: unknown): PgExplainDocument {
  return (typeof value === 'string' ? JSON.parse(value) : value) as PgExplainDocument;
}

/** Reads the facts of one `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` result (the JSON document or its text). */
export function parsePostgresAnalyze(value: unknown): PlanFacts {
  const [document] = documentOf(value);
  if (!document?.Plan || document['Execution Time'] === undefined) {
    throw new SafeIndexError('explain_unreadable', 'EXPLAIN ANALYZE returned no plan with an execution time');
  }
  const root = document.Plan;
  let rowsExamined = 0;
  walk(root, (node) => {
    if (!node['Relation Name']) return;
    const perLoop =
      (node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    rowsExamined += perLoop * (node['Actual Loops'] ?? 1);
  });
  return {
    executionMs: document['Execution Time'],
    ...(document['Planning Time'] !== undefined ? { planningMs: document['Planning Time'] } : {}),
    topNode: root['Node Type'],
    ...planShape(root),
    rowsExamined: Math.round(rowsExamined),
    buffers: { sharedHit: root['Shared Hit Blocks'] ?? 0, sharedRead: root['Shared Read Blocks'] ?? 0 },
  };
}

/** Reads the planner's estimate from a plain `EXPLAIN (FORMAT JSON)` result. */
export function parsePostgresEstimate(value: unknown): PlanEstimate {
  const [document] = documentOf(value);
  if (!document?.Plan) throw new SafeIndexError('explain_unreadable', 'EXPLAIN returned no plan');
  return { totalCost: document.Plan['Total Cost'] ?? 0, ...planShape(document.Plan) };
}

async function explainJson(session: Session, sql: string): Promise<unknown> {
  const [row] = await session.query<{ 'QUERY PLAN': unknown }>(sql);
  return row?.['QUERY PLAN'];
}

const hypopg: HypotheticalIndexes = {
  async unavailableReason(session) {
    const [installed] = await session.query("select extversion from pg_extension where extname = 'hypopg'");
    if (installed) return null;
    const [available] = await session.query(
      "select default_version, current_database() as db from pg_available_extensions where name = 'hypopg'",
    );
    if (available) {
      return (
        `HypoPG ${String(available.default_version)} is available on this server but not installed in database ` +
        `"${String(available.db)}"; run CREATE EXTENSION hypopg there to get estimates (safe-index creates no objects itself)`
      );
    }
    return 'HypoPG is not installed on this PostgreSQL server (Debian/Ubuntu: postgresql-<major>-hypopg)';
  },
  async create(session, createIndexSql) {
    const [row] = await session.query<{ indexname: string }>('select indexname from hypopg_create_index(?)', [
      createIndexSql,
    ]);
    if (!row) throw new SafeIndexError('explain_unreadable', 'hypopg_create_index returned no index');
    return row.indexname;
  },
  async estimate(session, statement) {
    return parsePostgresEstimate(await explainJson(session, `EXPLAIN (FORMAT JSON) ${statement}`));
  },
  async hideUnavailableReason(session) {
    const [row] = await session.query<{ extversion: string }>(
      "select extversion from pg_extension where extname = 'hypopg'",
    );
    const version = String(row?.extversion ?? '');
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > 1 || (major === 1 && minor >= 4)) return null;
    return `HypoPG ${version} cannot hide an existing index (hypopg_hide_index arrived in HypoPG 1.4); upgrade the extension (ALTER EXTENSION hypopg UPDATE after installing 1.4+) for the what-if of a drop`;
  },
  async hide(session, table, index) {
    const rows = await session.query<{ hidden: boolean }>(
      `select hypopg_hide_index(c.oid) as hidden from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ? and c.relname = ? and c.relkind in ('i', 'I')`,
      [table.schema, index],
    );
    if (rows[0]?.hidden !== true)
      throw new SafeIndexError(
        'explain_unreadable',
        `HypoPG did not hide index ${table.schema}.${index} (not found, or not hidden)`,
      );
  },
  async reset(session) {
    await session.query('select hypopg_reset()');
    if ((await hypopg.hideUnavailableReason(session)) === null)
      await session.query('select hypopg_unhide_all_indexes()');
  },
};

/** EXPLAIN support for PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, ANALYZE, HypoPG what-if. */
export function createPostgresExplain(): ExplainDialect {
  return {
    beginReadOnlySql: (timeoutMs) => [
      'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY',
      `SET LOCAL statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`,
    ],
    rollbackSql: 'ROLLBACK',
    refusedForEffects: postgresRefusedForEffects,
    async analyze(session, statement) {
      return parsePostgresAnalyze(await explainJson(session, `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${statement}`));
    },
    refreshStatisticsSql: (table: TableRef) => `ANALYZE ${quoteQualified(table.schema, table.name)}`,
    hypothetical: hypopg,
    ignoring: 'PostgreSQL has no hint to ignore an index: HypoPG hides it instead',
  };
}
