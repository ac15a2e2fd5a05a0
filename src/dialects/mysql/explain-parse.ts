import { SafeIndexError } from '../../errors.js';
import type { PlanEstimate, PlanFacts } from '../explain-types.js';

/** A `table` object of MySQL/MariaDB `EXPLAIN FORMAT=JSON` / `ANALYZE FORMAT=JSON` (the keys this tool reads). */
interface JsonTableAccess {
  table_name?: string;
  access_type?: string;
  key?: string;
  r_loops?: number;
  r_rows?: number;
  r_engine_stats?: { pages_accessed?: number };
}

function documentOf(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
}

/** Every `table` access of a JSON plan, in document order (nested loops, subqueries, sorts). */
function tableAccesses(node: unknown, found: JsonTableAccess[] = []): JsonTableAccess[] {
  if (Array.isArray(node)) {
    for (const item of node) tableAccesses(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'table' && value && typeof value === 'object' && !Array.isArray(value)) {
        found.push(value as JsonTableAccess);
      }
      tableAccesses(value, found);
    }
  }
  return found;
}

function shapeOf(tables: JsonTableAccess[]): { indexes: string[]; accessPaths: string[]; topNode: string } {
  const indexes: string[] = [];
  for (const table of tables) if (table.key && !indexes.includes(table.key)) indexes.push(table.key);
  const accessPaths = tables.map(
    (table) => `${table.table_name ?? '?'}: ${table.access_type ?? '?'}${table.key ? ` (${table.key})` : ''}`,
  );
  return { indexes, accessPaths, topNode: tables[0]?.access_type ?? 'none' };
}

/** Reads the facts of one MariaDB `ANALYZE FORMAT=JSON` result (the JSON text). */
export function parseMariadbAnalyze(value: unknown): PlanFacts {
  const document = documentOf(value);
  const block = document.query_block as { r_total_time_ms?: number } | undefined;
  if (block?.r_total_time_ms === undefined)
    throw new SafeIndexError('explain_unreadable', 'ANALYZE FORMAT=JSON returned no r_total_time_ms');
  const optimization = document.query_optimization as { r_total_time_ms?: number } | undefined;
  const tables = tableAccesses(block);
  const rowsExamined = tables.reduce((sum, table) => sum + (table.r_rows ?? 0) * (table.r_loops ?? 1), 0);
  const pages = tables.reduce((sum, table) => sum + (table.r_engine_stats?.pages_accessed ?? 0), 0);
  return {
    executionMs: block.r_total_time_ms,
    ...(optimization?.r_total_time_ms !== undefined ? { planningMs: optimization.r_total_time_ms } : {}),
    ...shapeOf(tables),
    rowsExamined: Math.round(rowsExamined),
    ...(tables.some((table) => table.r_engine_stats) ? { buffers: { pagesAccessed: pages } } : {}),
  };
}

/** A node of the `query_plan` tree of MySQL 8.3+ `EXPLAIN FORMAT=JSON` version 2 (the keys this tool reads). */
interface JsonPlanNode {
  operation?: string;
  access_type?: string;
  index_access_type?: string;
  table_name?: string;
  alias?: string;
  index_name?: string;
  estimated_total_cost?: number;
}

/** Every node of a version-2 plan tree, depth first (inputs, subqueries: any nested object). */
function planNodes(node: unknown, found: JsonPlanNode[] = []): JsonPlanNode[] {
  if (Array.isArray(node)) {
    for (const item of node) planNodes(item, found);
  } else if (node && typeof node === 'object') {
    found.push(node as JsonPlanNode);
    for (const value of Object.values(node)) planNodes(value, found);
  }
  return found;
}

/**
 * Version 2 (`json_schema_version` "2.0", the default from MySQL 9.0; 8.3+ with
 * `explain_json_format_version = 2`): the table accesses are the nodes that name a table, the cost is the
 * first estimated_total_cost from the root down.
 */
function parseExplainJsonV2(plan: unknown): PlanEstimate {
  const nodes = planNodes(plan);
  const tables = nodes
    .filter((node) => node.table_name !== undefined)
    .map(
      (node): JsonTableAccess => ({
        table_name: node.alias ?? node.table_name,
        access_type: node.index_access_type ?? node.access_type,
        ...(node.index_name !== undefined ? { key: node.index_name } : {}),
      }),
    );
  const { indexes, accessPaths } = shapeOf(tables);
  const cost = nodes.find((node) => typeof node.estimated_total_cost === 'number')?.estimated_total_cost;
  return { totalCost: cost ?? 0, indexes, accessPaths };
}

/**
 * Reads the planner's choice from a MySQL/MariaDB `EXPLAIN FORMAT=JSON` result (the JSON text), in either
 * format: version 1 (`query_block`, MariaDB and MySQL up to 8.x by default) or version 2 (`query_plan`,
 * MySQL 9.x by default). Both are parsed, so the tool never changes the session's explain_json_format_version.
 */
export function parseMysqlExplainJson(value: unknown): PlanEstimate {
  const document = documentOf(value);
  if (document.query_plan) return parseExplainJsonV2(document.query_plan);
  const block = document.query_block as { cost_info?: { query_cost?: string | number } } | undefined;
  if (!block)
    throw new SafeIndexError('explain_unreadable', 'EXPLAIN FORMAT=JSON returned neither query_block nor query_plan');
  const { indexes, accessPaths } = shapeOf(tableAccesses(block));
  return { totalCost: Number(block.cost_info?.query_cost ?? 0), indexes, accessPaths };
}

/** One iterator line of MySQL 8 `EXPLAIN ANALYZE` (TREE format). */
interface TreeLine {
  depth: number;
  text: string;
  lastRowMs: number;
  rows: number;
  loops: number;
}

const treeLinePattern =
  /^(\s*)-> (.*?)(?:\s+\(cost=[^)]*\))?\s+\(actual time=([\d.e+-]+)\.\.([\d.e+-]+) rows=([\d.e+-]+) loops=(\d+)\)\s*$/;

function treeLines(text: string): TreeLine[] {
  const lines: TreeLine[] = [];
  for (const raw of text.split('\n')) {
    const match = treeLinePattern.exec(raw);
    if (!match) continue;
    const [, indent, node, , last, rows, loops] = match;
    lines.push({
      depth: indent!.length,
      text: node!.trim(),
      lastRowMs: Number(last),
      rows: Number(rows),
      loops: Number(loops),
    });
  }
  return lines;
}

const indexAccess =
  /^(?:Covering |Single-row |Single-row covering )?[Ii]ndex (?:lookup|range scan|scan|skip scan)\b.* on (\S+) using (\S+)/;
const tableScan = /^Table scan on (\S+)/;

/**
 * Reads the facts of one MySQL 8.0.18+ `EXPLAIN ANALYZE` result (TREE text). The execution time is the
 * root iterator's time to its last row times its loops; rows examined are the rows the table and index
 * access iterators returned.
 */
export function parseMysqlAnalyzeTree(text: string): PlanFacts {
  const lines = treeLines(text);
  const root = lines[0];
  if (!root) throw new SafeIndexError('explain_unreadable', 'EXPLAIN ANALYZE returned no iterator with actual times');
  const indexes: string[] = [];
  const accessPaths: string[] = [];
  let rowsExamined = 0;
  for (const line of lines) {
    const index = indexAccess.exec(line.text);
    const scan = tableScan.exec(line.text);
    if (!index && !scan) continue;
    if (index && !indexes.includes(index[2]!)) indexes.push(index[2]!);
    accessPaths.push(line.text.replace(/\s*\(.*$/, ''));
    rowsExamined += line.rows * line.loops;
  }
  return {
    executionMs: root.lastRowMs * root.loops,
    topNode: root.text.replace(/:.*$/, ''),
    indexes,
    accessPaths,
    rowsExamined: Math.round(rowsExamined),
  };
}
