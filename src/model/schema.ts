import { Index, type IndexDefinition } from './index-model.js';

/** A table named by schema (PostgreSQL schema / MySQL database) and name. */
export interface TableRef {
  schema: string;
  name: string;
}

/** Key under which a table is kept in maps: `schema.name` with no quoting. */
export function tableKey(ref: TableRef): string {
  return `${ref.schema}.${ref.name}`;
}

/** One live column. */
export interface LiveColumn {
  name: string;
  /** Full type as the server prints it, e.g. `character varying(140)`, `varchar(140)`. */
  type: string;
  /** Base type name in lower case, e.g. `varchar`, `text`, `int`. */
  dataType: string;
  nullable: boolean;
  generated: 'stored' | 'virtual' | null;
  /** Declared length in characters for character types. */
  characterLength?: number;
  /** Bytes per character of the column's character set (MySQL). */
  bytesPerCharacter?: number;
}

/** Where a live index comes from when a constraint owns it. */
export type IndexConstraint = 'primary' | 'unique' | 'exclusion' | null;

/** The SQL keyword of each kind of constraint that owns an index. */
export const constraintKeywords: Record<NonNullable<IndexConstraint>, string> = {
  primary: 'PRIMARY KEY',
  unique: 'UNIQUE',
  exclusion: 'EXCLUDE',
};

/** Live-only facts about an index. */
export interface LiveIndexFacts {
  /** False for a PostgreSQL INVALID index (failed or interrupted concurrent build). */
  valid: boolean;
  /** False for a MySQL INVISIBLE / MariaDB IGNORED index. */
  visible: boolean;
  /** The constraint that owns the index, if any: such indexes are never dropped by the tool. */
  constraint: IndexConstraint;
  /** The server's own definition: `pg_get_indexdef` or the `SHOW CREATE TABLE` line. */
  definition: string;
  /** PostgreSQL index on a partitioned table. */
  partitioned: boolean;
  sizeBytes?: number;
  /** False when the model of this index does not print back to `definition` exactly: do not trust it. */
  roundTrips?: boolean;
  /** PostgreSQL: the partitioned index this partition's index is attached to (it cannot be dropped alone). */
  parentIndex?: string;
  /** PostgreSQL partitioned index: the index attached on each partition (a rollback rebuilds them under these names). */
  partitionIndexes?: { partition: TableRef; name: string; replicaIdentity?: boolean }[];
  /** PostgreSQL: the table's `REPLICA IDENTITY USING INDEX` is this index (`pg_index.indisreplident`). */
  replicaIdentity?: boolean;
  /** PostgreSQL: the index `CLUSTER` uses by default (`pg_index.indisclustered`, `ALTER TABLE ... CLUSTER ON`). */
  clustered?: boolean;
  /** PostgreSQL: the tablespace the index lives in, when not the database's default (`pg_class.reltablespace`). */
  tablespace?: string;
  /** PostgreSQL: the index's COMMENT (`COMMENT ON INDEX`), when it has one. */
  comment?: string;
  /** PostgreSQL: per-column statistics targets set with `ALTER INDEX ... ALTER COLUMN n SET STATISTICS` (1-based). */
  statisticsTargets?: { column: number; target: number }[];
}

/** An index read from the server, with its live-only facts. */
export class LiveIndex extends Index {
  readonly live: LiveIndexFacts;
  constructor(definition: IndexDefinition, live: LiveIndexFacts) {
    super(definition);
    this.live = live;
  }
}

/** One live table with its columns and indexes. */
export interface LiveTable extends TableRef {
  columns: LiveColumn[];
  indexes: LiveIndex[];
  estimatedRows: number;
  totalBytes: number;
  partitioned: boolean;
  /** PostgreSQL: the direct partitions of a partitioned table, when every one is a plain table. */
  partitions?: TableRef[];
  /** MySQL storage engine, e.g. InnoDB. */
  engine?: string;
  /** InnoDB: every secondary key implicitly ends with the primary key's columns (redundancy uses it). */
  clusteredPrimaryKey?: boolean;
  /** MySQL 8.0.27+ InnoDB: the server settings that shape an index build, printable (`innodb_ddl_threads=4, ...`). */
  buildSettings?: string;
  /** MySQL: the table has ON DELETE/UPDATE CASCADE or SET NULL foreign keys (forbids LOCK=NONE on MySQL). */
  cascadingForeignKeys?: boolean;
  /** PostgreSQL: the publications that publish this table, by name (sorted). */
  publications?: string[];
}

/** The part of the live schema the plans talk about. */
export interface LiveSchema {
  tables: Map<string, LiveTable>;
  /**
   * Where index names share one namespace per schema with other relations (PostgreSQL): the relations
   * that carry one of the names introspection was asked about (`IntrospectOptions.relationNames`),
   * per schema, described (`index on table "t"`, `sequence`, ...).
   */
  relationNames?: Map<string, Map<string, string>>;
}

/** What introspection reads besides the tables. */
export interface IntrospectOptions {
  /**
   * Names to look up among every relation of their schema (PostgreSQL, where an index name is unique
   * per schema): the indexes a plan may create, so a `name_taken` check needs neither every name of
   * the schema nor one query per name.
   */
  relationNames?: readonly TableRef[];
}

/** Looks up a table by reference. */
export function findTable(schema: LiveSchema, ref: TableRef): LiveTable | undefined {
  return schema.tables.get(tableKey(ref));
}
