import type { ServerInfo } from '../../connection/database.js';
import type { Capabilities } from '../types.js';

/*
 * What MySQL 9.x changed, as met on a live 9.7.4 (the test server of scripts/ensure-mysql.sh); the code
 * copes with both behaviours, so these need no switch below:
 * - 9.0: `explain_json_format_version` defaults to 2 (`query_plan` tree; the variable exists from 8.3):
 *   explain-parse.ts reads version 1 and 2. `explain_format` (8.0.32+) is TREE on 9.7.4: the tool always
 *   names its EXPLAIN format.
 * - seen on 9.7.4 (release unknown): max_execution_time stops `EXPLAIN ANALYZE` with warning 1317 and
 *   no error; explain.ts reads SHOW WARNINGS after it.
 * - Debian's 9.7.4 build has no md5()/sha1(): the tool uses neither.
 * Facts that do need a switch are the fields below, each with the release that brought it.
 */

/** What one MySQL or MariaDB server version can do; the only place that reads flavor and version. */
export interface FlavorFeatures {
  /** How an index is taken out of use: MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED. */
  invisibleIndex: 'invisible' | 'ignored' | null;
  /**
   * The `ALTER TABLE ... ALTER INDEX` words that hide and show an index, and the algorithm of that
   * metadata-only change: MariaDB 10.6+ `IGNORED`/`NOT IGNORED` with ALGORITHM=INSTANT; MySQL 8
   * `INVISIBLE`/`VISIBLE`, an in-place metadata change (ALGORITHM=INPLACE). Both take LOCK=NONE and, like
   * any ALTER, a brief metadata lock, so the toggle runs under the lock timeout and its retries.
   */
  indexVisibility: { hide: string; show: string; algorithm: 'INSTANT' | 'INPLACE' } | null;
  /** Functional key parts `((expr))`: MySQL 8.0.13+. */
  expressionKeyParts: boolean;
  /** `DESC` key parts are stored descending (MySQL 8.0+, MariaDB 10.8+); older servers ignore DESC. */
  descendingKeys: boolean;
  /** Online ALTER algorithms, cheapest first. */
  onlineAlgorithms: string[];
  /**
   * Algorithm for adding and dropping secondary indexes online. MariaDB: NOCOPY, which is what
   * ADD/DROP INDEX really are there and, unlike INPLACE, makes the server refuse rather than silently
   * rebuild the clustered index; both take LOCK=NONE. MySQL has no NOCOPY: INPLACE.
   */
  indexAlgorithm: 'NOCOPY' | 'INPLACE';
  /** MySQL refuses LOCK=NONE for an index on a virtual generated column (error 3178); MariaDB allows it. */
  virtualColumnIndexBlocks: boolean;
  /**
   * LOCK=NONE refused on a table with ON ... CASCADE / SET NULL foreign keys: the MySQL 8.0 and 8.4 manuals
   * (Online DDL Limitations) say so, and this tool keeps their rule there. MySQL 9.7.4, measured, adds and
   * drops indexes with LOCK=NONE on both the child and the parent of such keys (its manual still lists the
   * limitation; the release that lifted it is unknown, so 9.0+ is assumed). MariaDB 10.11 allows it.
   */
  cascadingForeignKeysBlock: boolean;
  /** The error the server raises when FULLTEXT is asked for LOCK=NONE. */
  fulltextLockError: string;
  /** The error the server raises when SPATIAL is asked for LOCK=NONE. */
  spatialLockError: string;
  /**
   * The session's statement timeout: MariaDB `max_statement_time` (seconds, every statement, so the
   * DDL session clears it), MySQL `max_execution_time` (milliseconds, SELECT only).
   */
  statementTimeout:
    | { variable: 'max_statement_time'; unit: 's'; appliesToDdl: true }
    | {
        variable: 'max_execution_time';
        unit: 'ms';
        appliesToDdl: false;
      };
  /** MySQL 8 sorts keys on virtual generated columns after the others of their class; MariaDB does not. */
  virtualColumnKeysLast: boolean;
  /** `DROP INDEX IF EXISTS` / `ADD INDEX IF NOT EXISTS` inside ALTER TABLE (MariaDB; MySQL 8 has neither). */
  indexExistenceGuards: boolean;
  /** Where a running ALTER reports progress: MariaDB PROCESSLIST.PROGRESS, MySQL performance_schema stages. */
  progressSource: 'processlist' | 'performance_schema';
  /**
   * Where per-index usage is counted, in rows read through each index: MariaDB
   * `information_schema.INDEX_STATISTICS` (filled only while `userstat=1`), MySQL
   * `performance_schema.table_io_waits_summary_by_index_usage` (needs `performance_schema=ON`).
   */
  usageStatistics: { table: string; switch: 'userstat' | 'performance_schema' };
  /** The `NO_INDEX(table index)` optimizer hint (MySQL 8.0.20+): what-if estimates of a drop; MariaDB has none. */
  noIndexHint: boolean;
  /**
   * How a query is executed and timed: MariaDB `ANALYZE FORMAT=JSON` (10.1+, so every MariaDB the tool
   * meets; checked on 10.11.19), MySQL `EXPLAIN ANALYZE` (8.0.18+; checked on 9.7.4); null on an older
   * MySQL, where no statement times a query.
   */
  analyzeStatement: 'ANALYZE FORMAT=JSON' | 'EXPLAIN ANALYZE' | null;
  /**
   * information_schema.STATISTICS lists each table's keys in the server's key order (MariaDB). MySQL 8.0's
   * data-dictionary view does not (seen on 9.7.4: by name); there SHOW INDEX, one table at a time, does.
   */
  statisticsInKeyOrder: boolean;
  /**
   * MySQL 8.0.27+ builds a secondary index in parallel: innodb_ddl_threads sort and build threads in
   * innodb_ddl_buffer_size of memory, after a scan with innodb_parallel_read_threads (9.7.4 defaults:
   * 4, 1 MiB, 4). The plan prints them beside each build. MariaDB has no such settings.
   */
  parallelIndexBuild: boolean;
  /**
   * DDL that adds a foreign key (CREATE TABLE ... REFERENCES, ALTER TABLE ... ADD FOREIGN KEY) takes a
   * metadata lock on the referenced table, so it waits behind any open transaction that read it: MySQL
   * 8.0+ (its data dictionary extends metadata locks to tables related by a foreign key; measured on
   * 9.7.4). MariaDB 10.11, measured, does not wait on the referenced table.
   */
  foreignKeyLocksParent: boolean;
  /**
   * `performance_schema.metadata_locks` names the sessions holding a table's metadata lock (MySQL 8.0+,
   * its instrument on by default; checked on 9.7.4). MariaDB has it only with the metadata_lock_info
   * plugin: there the blockers are every open transaction of the database.
   */
  metadataLockHolders: boolean;
  /**
   * information_schema finds a table without opening every table of its schema only when the query
   * names it by `TABLE_SCHEMA = const AND TABLE_NAME = const` (MariaDB, MySQL 5.7: EXPLAIN says
   * "Scanned 0 databases"; an IN list or a row constructor makes it open all of them, "Scanned 1
   * database"), so catalog queries over a few tables are a UNION ALL of one branch per table. MySQL
   * 8.0+ reads its data dictionary through indexes, and a long UNION costs more there (measured on
   * 9.7.4: 100 branches 229 ms, one IN list 5 ms).
   */
  catalogLookupPerTable: boolean;
}

function atLeast(server: ServerInfo, major: number, minor: number, patch = 0): boolean {
  if (server.major !== major) return server.major > major;
  if (server.minor !== minor) return server.minor > minor;
  return server.patch >= patch;
}

/** The features of the connected MySQL/MariaDB server, decided by flavor and version. */
export function flavorFeatures(server: ServerInfo): FlavorFeatures {
  if (server.flavor === 'mariadb') {
    return {
      invisibleIndex: atLeast(server, 10, 6) ? 'ignored' : null,
      indexVisibility: atLeast(server, 10, 6) ? { hide: 'IGNORED', show: 'NOT IGNORED', algorithm: 'INSTANT' } : null,
      expressionKeyParts: false,
      descendingKeys: atLeast(server, 10, 8),
      onlineAlgorithms: ['INSTANT', 'NOCOPY', 'INPLACE'],
      indexAlgorithm: 'NOCOPY',
      statementTimeout: { variable: 'max_statement_time', unit: 's', appliesToDdl: true },
      progressSource: 'processlist',
      virtualColumnKeysLast: false,
      indexExistenceGuards: true,
      analyzeStatement: 'ANALYZE FORMAT=JSON',
      noIndexHint: false,
      usageStatistics: { table: 'information_schema.INDEX_STATISTICS', switch: 'userstat' },
      statisticsInKeyOrder: true,
      parallelIndexBuild: false,
      foreignKeyLocksParent: false,
      metadataLockHolders: false,
      catalogLookupPerTable: true,
      virtualColumnIndexBlocks: false,
      cascadingForeignKeysBlock: false,
      fulltextLockError: 'error 1846 "LOCK=NONE is not supported. Reason: Fulltext index creation requires a lock"',
      spatialLockError:
        'error 1846 "LOCK=NONE is not supported. Reason: Do not support online operation on table with GIS index"',
    };
  }
  return {
    invisibleIndex: atLeast(server, 8, 0) ? 'invisible' : null,
    indexVisibility: atLeast(server, 8, 0) ? { hide: 'INVISIBLE', show: 'VISIBLE', algorithm: 'INPLACE' } : null,
    expressionKeyParts: atLeast(server, 8, 0, 13),
    descendingKeys: atLeast(server, 8, 0),
    onlineAlgorithms: ['INSTANT', 'INPLACE'],
    indexAlgorithm: 'INPLACE',
    statementTimeout: { variable: 'max_execution_time', unit: 'ms', appliesToDdl: false },
    progressSource: 'performance_schema',
    virtualColumnKeysLast: true,
    indexExistenceGuards: false,
    analyzeStatement: atLeast(server, 8, 0, 18) ? 'EXPLAIN ANALYZE' : null,
    noIndexHint: atLeast(server, 8, 0, 20),
    usageStatistics: {
      table: 'performance_schema.table_io_waits_summary_by_index_usage',
      switch: 'performance_schema',
    },
    statisticsInKeyOrder: !atLeast(server, 8, 0),
    parallelIndexBuild: atLeast(server, 8, 0, 27),
    foreignKeyLocksParent: atLeast(server, 8, 0),
    metadataLockHolders: atLeast(server, 8, 0),
    catalogLookupPerTable: !atLeast(server, 8, 0),
    virtualColumnIndexBlocks: true,
    cascadingForeignKeysBlock: !atLeast(server, 9, 0),
    fulltextLockError: 'error 1846 "LOCK=NONE is not supported. Reason: Fulltext index creation requires a lock"',
    spatialLockError:
      'error 1846 "LOCK=NONE is not supported. Reason: Do not support online operation on table with GIS index"',
  };
}

/** Capabilities of a MySQL/MariaDB server for core code. */
export function mysqlCapabilities(features: FlavorFeatures): Capabilities {
  return {
    invisibleIndex: features.invisibleIndex,
    partialIndex: false,
    includeColumns: false,
    prefixLength: true,
    expressionKeyParts: features.expressionKeyParts,
    nullsOrder: false,
    methods: ['btree', 'hash', 'fulltext', 'spatial'],
    maxIdentifierLength: 64,
    identifierLengthUnit: 'characters',
    indexNamesIgnoreCase: true,
    columnNamesIgnoreCase: true,
    maxKeyParts: 16,
  };
}
