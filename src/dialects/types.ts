import type { Database, ServerInfo } from '../connection/database.js';
import type { ErrorCode, PlanProblem } from '../errors.js';
import type { Change, PlannedChange, RenderedSql } from '../model/change.js';
import type { Index } from '../model/index-model.js';
import type { IntrospectOptions, LiveIndex, LiveSchema, LiveTable, TableRef } from '../model/schema.js';
import type { DialectExecutor } from './executor-types.js';
import type { ExplainDialect } from './explain-types.js';
import type { ReplicaAccess, ReplicaReader } from './replica-types.js';
import type { UsageDialect } from './usage-types.js';

/** What a server can do; core code asks these instead of testing dialect names. */
export interface Capabilities {
  /** How an index is taken out of use without dropping it: MySQL INVISIBLE, MariaDB IGNORED. */
  invisibleIndex: 'invisible' | 'ignored' | null;
  /** Partial indexes (`where:`). */
  partialIndex: boolean;
  /** Covering columns (`include:`). */
  includeColumns: boolean;
  /** Prefix lengths on key parts (`length:`). */
  prefixLength: boolean;
  /** Expression key parts (`{expression: ...}`). */
  expressionKeyParts: boolean;
  /** NULLS FIRST/LAST on key parts. */
  nullsOrder: boolean;
  /** Access methods the plan may name in `using:`. */
  methods: string[];
  /** Longest index name. */
  maxIdentifierLength: number;
  /** Whether that limit counts bytes (PostgreSQL) or characters (MySQL). */
  identifierLengthUnit: 'bytes' | 'characters';
  /**
   * Index names compare without regard to case (MySQL/MariaDB: `idx_a` and `IDX_A` are one key name,
   * error 1061 "Duplicate key name"); PostgreSQL's quoted names are exact.
   */
  indexNamesIgnoreCase: boolean;
  /** Column names compare without regard to case (MySQL/MariaDB: `Status` names column `status`); PostgreSQL's are exact. */
  columnNamesIgnoreCase: boolean;
  /** Most key parts one index may have (null: no practical limit to check). */
  maxKeyParts: number | null;
}

/**
 * An index left by a failed operation: `invalid` (a failed concurrent build), `invalid_parent` (an
 * INVALID index of a partitioned table), `ccnew`/`ccold` (a failed REINDEX CONCURRENTLY's transient or
 * old index), `si_new` (the tool's own `<name>_si_new`, a replacement an interrupted replace or rollback
 * built and did not rename). New kinds are added where the dialect recognises them.
 */
export type LeftoverKind = 'invalid' | 'invalid_parent' | 'ccnew' | 'ccold' | 'si_new';

/** A problem the dialect finds in a desired index; the planner adds where in the plan it was written. */
export type IndexProblem = Omit<PlanProblem, 'file' | 'line' | 'column'>;

/**
 * The server's canonical form of one desired index, or why the server refused it; `lockTimeout` when
 * it was not refused but the copy of its table waited longer than the lock timeout.
 */
export type CanonicalResult = { index: Index } | { error: string; lockTimeout?: true };

/** What the capability probe learned about one change from the server itself. */
export interface ProbedChange {
  /** The forward and reverse statements with the ALGORITHM/LOCK clauses the server accepted. */
  sql: string[];
  rollback: string[];
  online: boolean;
  onlineReason?: string;
  lockImpact: string;
}

/**
 * The outcome of running the pending changes on empty copies of their tables. `ran`: every change
 * was probed; `partial`: some fell back to the rules (each says why); `unavailable`: the probe could
 * not run at all (e.g. no privilege to create its scratch schema) and every verdict is the rules'.
 */
export interface OnlineProbe {
  status: 'ran' | 'partial' | 'unavailable';
  /** One sentence for the plan's output: what ran where, or why it did not. */
  message: string;
  /** Verdicts per probed change (same objects as given); a change missing here keeps the rules' verdict. */
  verdicts: Map<PlannedChange, ProbedChange>;
  /** Why a change was not probed, per change. */
  skipped: Map<PlannedChange, string>;
}

/**
 * Everything that differs between PostgreSQL and MySQL/MariaDB, behind one interface: one object per
 * connected server (see `dialectOf`), carrying what it learns from the server.
 */
export interface Dialect {
  readonly server: ServerInfo;
  readonly capabilities: Capabilities;
  /** Execution: session settings, the run lock, error classes, progress, blockers. */
  readonly executor: DialectExecutor;
  /** EXPLAIN: read-only timing, instrumented runs, statistics, what-if. */
  readonly explain: ExplainDialect;
  /** Index usage counters and foreign keys. */
  readonly usage: UsageDialect;
  /** A reader of this primary's replication (position, each replica's state and lag) for one replica monitor. */
  createReplicaReader(access: ReplicaAccess): ReplicaReader;
  /** Quotes an identifier (always; never concatenate raw names). */
  quoteIdent(name: string): string;
  /** Quotes a string literal. */
  quoteLiteral(value: string): string;
  /**
   * Reads the named tables with their columns and indexes, in a constant number of catalog
   * queries whatever the number of tables or indexes (MySQL 8+: plus one SHOW INDEX for each table
   * with two keys of one class, the only place that says their order). Every query is filtered to
   * the named tables (and `options.relationNames`): its cost does not grow with the rest of the schema.
   */
  introspect(db: Database, tables: readonly TableRef[], options?: IntrospectOptions): Promise<LiveSchema>;
  /**
   * Returns the desired indexes with expressions and predicates in the server's canonical form, by
   * building them on an empty session-local copy of the table and reading them back. One result per
   * input, in order; an index the server refuses to build yields its error message instead. Every
   * statement waits at most `lockTimeoutMs` for a lock (the copy reads the original table's definition).
   */
  canonicalize(db: Database, indexes: readonly Index[], lockTimeoutMs: number): Promise<CanonicalResult[]>;
  /** Flavor rules that need the live table: key length, TEXT/BLOB without prefix, virtual columns. */
  validateIndex(index: Index, table: LiveTable): IndexProblem[];
  /** The tables of one schema that have at least one index, in one catalog query (for `export`). */
  listIndexedTables(db: Database, schema: string): Promise<TableRef[]>;
  /** Forward and reverse SQL of one change, with the online options of the flavor. */
  renderChange(change: Change, table: LiveTable | undefined): RenderedSql;
  /**
   * What the properties the server keeps on a live index besides its definition (PostgreSQL: replica
   * identity, CLUSTER mark, comment, statistics targets) mean for a change: a refusal, or warnings.
   * Absent where the renderer's reverse already carries everything the server keeps.
   */
  indexProperties?(change: Change, table: LiveTable): IndexPropertyVerdict;
  /**
   * What a live index left by a failed operation is, and of which index name; null for an ordinary
   * index. `managed` are the names the plans manage on its table (a temporary name made from a long
   * name is cut to fit, so only they tell whose it is).
   */
  leftoverOf(index: LiveIndex, managed: readonly string[]): { kind: LeftoverKind; of: string } | null;
  /**
   * The table as `change` leaves it, to render the next change of the same table against: MySQL's
   * restores re-add the keys that follow the restored one, so they must see the keys earlier steps
   * dropped or added (MySQL has no DROP INDEX IF EXISTS to paper over it). PostgreSQL: the same table.
   */
  tableAfter(change: Change, table: LiveTable): LiveTable;
  /** The canonical one-line definition, as the server would print it (for diffs and reports). */
  renderDefinition(index: Index): string;
  /**
   * Runs each change's exact ALTER (and its reverse) on empty copies of the tables in a scratch schema
   * the probe creates and always drops, so the `online` verdict comes from the server (MySQL/MariaDB).
   * Null when no change needs it; absent where the rules are exact (PostgreSQL: CONCURRENTLY is always online).
   */
  probeOnline?(
    db: Database,
    changes: readonly PlannedChange[],
    live: LiveSchema,
    lockTimeoutMs: number,
  ): Promise<OnlineProbe | null>;
}

/** What a dialect says about a change because of the properties of its live index. */
export interface IndexPropertyVerdict {
  /** The change must not run: an error with this code and message at the plan entry. */
  refusal?: { code: ErrorCode; message: string };
  warnings: string[];
}
