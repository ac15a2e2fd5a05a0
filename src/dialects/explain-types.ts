import type { Database, Session } from '../connection/database.js';
import type { TableRef } from '../model/schema.js';

/** Buffer or page counts of one executed plan, where the server reports them. */
export interface PlanBuffers {
  /** PostgreSQL shared blocks found in the buffer cache. */
  sharedHit?: number;
  /** PostgreSQL shared blocks read from disk (or the OS cache). */
  sharedRead?: number;
  /** MariaDB `r_engine_stats.pages_accessed`, summed over tables. */
  pagesAccessed?: number;
}

/** What one instrumented execution of a query showed. */
export interface PlanFacts {
  /** Execution time as the server measured it, in milliseconds (planning excluded). */
  executionMs: number;
  /** Planning/optimization time, where the server reports it. */
  planningMs?: number;
  /** Names of the indexes the plan reads, in plan order, without duplicates. */
  indexes: string[];
  /** The root of the plan: PostgreSQL node type, MySQL iterator, MariaDB access type of the first table. */
  topNode: string;
  /** How each table is read, in plan order, e.g. `Index Scan using idx on t`, `t: ref (idx)`. */
  accessPaths: string[];
  /** Rows the scans read (before filters), where the server reports them. */
  rowsExamined?: number;
  buffers?: PlanBuffers;
}

/** What the planner expects of a query without running it (for what-if estimates). */
export interface PlanEstimate {
  /** The planner's total cost (arbitrary units, comparable only on the same server). */
  totalCost: number;
  indexes: string[];
  accessPaths: string[];
}

/** Hypothetical indexes the planner considers in plain EXPLAIN (PostgreSQL HypoPG). */
export interface HypotheticalIndexes {
  /** Null when hypothetical indexes can be used in this database, else why not (printable). */
  unavailableReason(session: Session): Promise<string | null>;
  /** Creates a session-local hypothetical index from a CREATE INDEX statement; returns the name plans print. */
  create(session: Session, createIndexSql: string): Promise<string>;
  /** Plain EXPLAIN (no execution) of a statement. */
  estimate(session: Session, statement: string): Promise<PlanEstimate>;
  /** Null when existing indexes can be hidden from the planner (HypoPG 1.4+), else why not (printable). */
  hideUnavailableReason(session: Session): Promise<string | null>;
  /** Hides an existing index from the planner for this session only (the index is not touched). */
  hide(session: Session, table: TableRef, index: string): Promise<void>;
  /** Removes every hypothetical index of the session and shows every index it hid. */
  reset(session: Session): Promise<void>;
}

/**
 * A function or operator a verify query names, or a relation it reads (a view's rules and a table's
 * row-security policies call functions too); `schema` only where the query qualifies the name.
 */
export interface RoutineRef {
  kind: 'function' | 'operator' | 'relation';
  name: string;
  schema?: string;
}

/** A checked verify query as the dialect's effect check sees it: its text and the routines it names. */
export interface CheckedVerifyQuery {
  sql: string;
  routines: readonly RoutineRef[];
}

/** Plans estimated with the optimizer told to ignore one index in the query itself (MySQL NO_INDEX hint). */
export interface IndexIgnoring {
  /** Plain EXPLAIN (no execution) of a statement. */
  estimate(session: Session, statement: string): Promise<PlanEstimate>;
  /** Plain EXPLAIN of the statement with a hint that the optimizer ignore the index; a string says why not. */
  estimateWithout(session: Session, statement: string, table: TableRef, index: string): Promise<PlanEstimate | string>;
}

/** The EXPLAIN side of a dialect: read-only timing transactions, instrumented runs, statistics, what-if. */
export interface ExplainDialect {
  /** Statements that open a read-only transaction whose statements time out after `timeoutMs`. */
  beginReadOnlySql(timeoutMs: number): string[];
  /** Ends that transaction without keeping anything. */
  readonly rollbackSql: string;
  /** Executes a checked read-only statement once under instrumentation and reads its plan. */
  analyze(session: Session, statement: string): Promise<PlanFacts>;
  /** Refreshes the optimizer statistics of a table (`ANALYZE` / `ANALYZE TABLE`). */
  refreshStatisticsSql(table: TableRef): string;
  /**
   * Why each query may not run although it parsed as a read-only SELECT (a routine the server says
   * may have effects, text the parser and the server could read differently), or undefined where it
   * may; one result per query, in order, from one catalog round trip for all of them.
   */
  refusedForEffects(db: Database, queries: readonly CheckedVerifyQuery[]): Promise<Array<string | undefined>>;
  /** Hypothetical indexes, where the dialect has them at all (the extension may still be absent). */
  readonly hypothetical: HypotheticalIndexes | null;
  /** Estimates without an index through a query hint, where the server has one (else why not). */
  readonly ignoring: IndexIgnoring | string;
}
