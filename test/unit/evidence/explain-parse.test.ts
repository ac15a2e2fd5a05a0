import { describe, expect, it } from 'vitest';
import {
  parseMariadbAnalyze,
  parseMysqlAnalyzeTree,
  parseMysqlExplainJson,
} from '../../../src/dialects/mysql/explain-parse.js';
import { parsePostgresAnalyze, parsePostgresEstimate } from '../../../src/dialects/postgres/explain.js';

// PostgreSQL 15 `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, trimmed to the keys the parser reads.
const postgresAnalyze = [
  {
    Plan: {
      'Node Type': 'Limit',
      'Total Cost': 62.58,
      'Actual Rows': 1,
      'Actual Loops': 1,
      'Shared Hit Blocks': 22,
      'Shared Read Blocks': 1,
      Plans: [
        {
          'Node Type': 'Sort',
          'Actual Rows': 1,
          'Actual Loops': 1,
          Plans: [
            {
              'Node Type': 'Bitmap Heap Scan',
              'Relation Name': 'orders',
              'Actual Rows': 1,
              'Actual Loops': 1,
              'Rows Removed by Filter': 19,
              'Rows Removed by Index Recheck': 0,
              Plans: [
                {
                  'Node Type': 'Bitmap Index Scan',
                  'Index Name': 'idx_orders_customer',
                  'Actual Rows': 20,
                  'Actual Loops': 1,
                },
              ],
            },
          ],
        },
      ],
    },
    'Planning Time': 0.179,
    Triggers: [],
    'Execution Time': 0.074,
  },
];

// MariaDB 10.11 `ANALYZE FORMAT=JSON` of a two-table join, as the server printed it.
const mariadbAnalyze = `{
  "query_optimization": {"r_total_time_ms": 0.052583979},
  "query_block": {
    "select_id": 1, "r_loops": 1, "r_total_time_ms": 0.080133216,
    "nested_loop": [
      {"table": {"table_name": "x", "access_type": "range", "possible_keys": ["PRIMARY", "ka"], "key": "PRIMARY",
        "key_length": "4", "used_key_parts": ["id"], "r_loops": 1, "rows": 99, "r_rows": 99,
        "r_table_time_ms": 0.010789283, "r_other_time_ms": 0.012812899, "r_engine_stats": {"pages_accessed": 2},
        "filtered": 100, "r_filtered": 100, "attached_condition": "x.id < 100 and x.a is not null"}},
      {"table": {"table_name": "y", "access_type": "eq_ref", "possible_keys": ["PRIMARY"], "key": "PRIMARY",
        "key_length": "4", "used_key_parts": ["id"], "ref": ["tmpx.x.a"], "r_loops": 99, "rows": 1, "r_rows": 1,
        "r_table_time_ms": 0.04684372, "r_other_time_ms": 0.005589991, "r_engine_stats": {"pages_accessed": 198},
        "filtered": 100, "r_filtered": 100, "using_index": true}}
    ]
  }
}`;

const mariadbFullScan = `{"query_block": {"select_id": 1, "r_loops": 1, "r_total_time_ms": 48.25,
  "table": {"table_name": "events", "access_type": "ALL", "r_loops": 1, "rows": 199822, "r_rows": 200000,
  "filtered": 100, "r_filtered": 0.01, "attached_condition": "events.user_id = 42"}}}`;

// MySQL 8.0 `EXPLAIN ANALYZE` (TREE) in the documented format (written for this test; no MySQL 8 server here).
const mysqlTreeIndexed = `-> Limit: 20 row(s)  (cost=9.25 rows=20) (actual time=0.0771..0.0893 rows=20 loops=1)
    -> Sort: orders.posting_date DESC, limit input to 20 row(s) per chunk  (cost=9.25 rows=25) (actual time=0.0765..0.0851 rows=20 loops=1)
        -> Index lookup on orders using idx_customer_status (customer='C-1', status='Unpaid')  (cost=9.25 rows=25) (actual time=0.0402..0.0655 rows=25 loops=1)
`;

const mysqlTreeJoin = `-> Nested loop inner join  (cost=45.1 rows=99) (actual time=0.0612..1.52 rows=99 loops=1)
    -> Filter: (x.a is not null)  (cost=20.3 rows=99) (actual time=0.0453..0.325 rows=99 loops=1)
        -> Index range scan on x using PRIMARY over (id < 100)  (cost=20.3 rows=99) (actual time=0.0431..0.287 rows=99 loops=1)
    -> Single-row covering index lookup on y using PRIMARY (id=x.a)  (cost=0.25 rows=1) (actual time=0.0109..0.011 rows=1 loops=99)
`;

const mysqlTreeScan = `-> Filter: (events.user_id = 42)  (cost=20233 rows=19982) (actual time=0.0594..58.2 rows=20 loops=1)
    -> Table scan on events  (cost=20233 rows=199822) (actual time=0.0553..47.9 rows=200000 loops=1)
`;

// MySQL 8.0 `EXPLAIN FORMAT=JSON` (documented shape: query_block > ordering_operation > table).
const mysqlExplainJson = JSON.stringify({
  query_block: {
    select_id: 1,
    cost_info: { query_cost: '9.25' },
    ordering_operation: {
      using_filesort: true,
      table: {
        table_name: 'orders',
        access_type: 'ref',
        possible_keys: ['idx_customer_status'],
        key: 'idx_customer_status',
        used_key_parts: ['customer', 'status'],
        key_length: '1126',
        ref: ['const', 'const'],
        rows_examined_per_scan: 25,
        rows_produced_per_join: 25,
        filtered: '100.00',
      },
    },
  },
});

describe('PostgreSQL EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)', () => {
  it('reads execution time, index names, access paths, rows examined and buffers', () => {
    expect(parsePostgresAnalyze(postgresAnalyze)).toEqual({
      executionMs: 0.074,
      planningMs: 0.179,
      topNode: 'Limit',
      indexes: ['idx_orders_customer'],
      accessPaths: ['Bitmap Heap Scan on orders', 'Bitmap Index Scan using idx_orders_customer'],
      rowsExamined: 20,
      buffers: { sharedHit: 22, sharedRead: 1 },
    });
  });

  it('accepts the document as text too, and refuses a plan without execution time', () => {
    expect(parsePostgresAnalyze(JSON.stringify(postgresAnalyze)).executionMs).toBe(0.074);
    expect(() => parsePostgresAnalyze([{ Plan: { 'Node Type': 'Seq Scan' } }])).toThrow(/execution time/);
  });

  it('reads the total cost of a plain EXPLAIN', () => {
    expect(
      parsePostgresEstimate([{ Plan: { 'Node Type': 'Seq Scan', 'Relation Name': 't', 'Total Cost': 3.5 } }]),
    ).toEqual({ totalCost: 3.5, indexes: [], accessPaths: ['Seq Scan on t'] });
  });
});

describe('MariaDB ANALYZE FORMAT=JSON', () => {
  it('reads r_total_time_ms, keys per table, rows examined (r_rows x r_loops) and pages accessed', () => {
    expect(parseMariadbAnalyze(mariadbAnalyze)).toEqual({
      executionMs: 0.080133216,
      planningMs: 0.052583979,
      topNode: 'range',
      indexes: ['PRIMARY'],
      accessPaths: ['x: range (PRIMARY)', 'y: eq_ref (PRIMARY)'],
      rowsExamined: 198,
      buffers: { pagesAccessed: 200 },
    });
  });

  it('reads a full table scan as no index', () => {
    expect(parseMariadbAnalyze(mariadbFullScan)).toMatchObject({
      executionMs: 48.25,
      topNode: 'ALL',
      indexes: [],
      accessPaths: ['events: ALL'],
      rowsExamined: 200000,
    });
  });
});

describe('MySQL 8 EXPLAIN ANALYZE (TREE) and EXPLAIN FORMAT=JSON', () => {
  it('reads the root time, the index used and the rows the access iterators returned', () => {
    expect(parseMysqlAnalyzeTree(mysqlTreeIndexed)).toEqual({
      executionMs: 0.0893,
      topNode: 'Limit',
      indexes: ['idx_customer_status'],
      accessPaths: ['Index lookup on orders using idx_customer_status'],
      rowsExamined: 25,
    });
  });

  it('multiplies rows by loops in a nested loop and reads covering/single-row lookups', () => {
    expect(parseMysqlAnalyzeTree(mysqlTreeJoin)).toMatchObject({
      executionMs: 1.52,
      topNode: 'Nested loop inner join',
      indexes: ['PRIMARY'],
      rowsExamined: 99 + 99,
    });
  });

  it('reads a table scan', () => {
    expect(parseMysqlAnalyzeTree(mysqlTreeScan)).toMatchObject({
      executionMs: 58.2,
      topNode: 'Filter',
      indexes: [],
      accessPaths: ['Table scan on events'],
      rowsExamined: 200000,
    });
  });

  it('refuses output without actual times', () => {
    expect(() => parseMysqlAnalyzeTree('-> Table scan on t  (cost=1 rows=1)')).toThrow(/actual times/);
  });

  it('reads keys, access types and the query cost from EXPLAIN FORMAT=JSON', () => {
    expect(parseMysqlExplainJson(mysqlExplainJson)).toEqual({
      totalCost: 9.25,
      indexes: ['idx_customer_status'],
      accessPaths: ['orders: ref (idx_customer_status)'],
    });
  });

  it('reads the version-2 query_plan tree of MySQL 9 EXPLAIN FORMAT=JSON (a join, printed by 9.7.4)', () => {
    const join = {
      query_plan: {
        operation: 'Sort: t2.b',
        access_type: 'sort',
        inputs: [
          {
            operation: 'Nested loop inner join',
            access_type: 'join',
            estimated_total_cost: 0.9000000104308129,
            inputs: [
              {
                operation: "Filter: (t1.b = 'x')",
                access_type: 'filter',
                inputs: [{ alias: 't1', operation: 'Table scan on t1', table_name: 't', access_type: 'table' }],
              },
              {
                alias: 't2',
                operation: 'Single-row index lookup on t2 using PRIMARY (id = t1.a)',
                index_name: 'PRIMARY',
                table_name: 't',
                access_type: 'index',
                index_access_type: 'index_lookup',
                estimated_total_cost: 0.35,
              },
            ],
          },
        ],
      },
      query_type: 'select',
      json_schema_version: '2.0',
    };
    expect(parseMysqlExplainJson(JSON.stringify(join))).toEqual({
      totalCost: 0.9000000104308129,
      indexes: ['PRIMARY'],
      accessPaths: ['t1: table', 't2: index_lookup (PRIMARY)'],
    });
  });

  it('names both shapes when EXPLAIN FORMAT=JSON has neither', () => {
    expect(() => parseMysqlExplainJson('{"query": "select 1"}')).toThrow(/neither query_block nor query_plan/);
  });
});
