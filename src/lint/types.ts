/** How loud a finding is; `off` in configuration silences a rule. */
export type FindingLevel = 'error' | 'warning';

/** The SQL family a file is parsed as (MariaDB is parsed as a MySQL flavor). */
export type LintFamily = 'postgres' | 'mysql';

/** What `--dialect` accepts. */
export type LintDialect = 'postgres' | 'mysql' | 'mariadb';

/** A comment found between statements, with its position. */
export interface SqlComment {
  /** The comment as written, markers included (`-- ...`, `# ...`, `/* ... *\/`). */
  text: string;
  /** Character offset of the comment's first character in the file. */
  start: number;
  line: number;
  column: number;
}

/** One parsed statement of a migration file. */
export interface SqlStatement<Ast> {
  ast: Ast;
  /** Character offsets of the statement's first and last-plus-one characters (semicolon excluded). */
  start: number;
  end: number;
  line: number;
  column: number;
  endLine: number;
  /** The statement text as written. */
  text: string;
  /** Comments in the block right above the statement. */
  leadingComments: SqlComment[];
  /** Comments after the statement on its last line. */
  trailingComments: SqlComment[];
}

/** A statement the parser rejected. */
export interface ParseProblem {
  message: string;
  line: number;
  column: number;
}

/** An index a statement builds (family-neutral view used by the rules shared by both families). */
export interface IndexCreation {
  statement: number;
  name: string | undefined;
  table: string;
  unique: boolean;
  /** The table was created earlier in the same file (no one else can be using it yet). */
  onNewTable: boolean;
}

/** Family-neutral facts about a file that rules shared by both families read. */
export interface FileFacts {
  indexCreations: IndexCreation[];
  /** Locks statements take on relations that existed before the file, in file order. */
  lockWaits: LockWait[];
}

/** A lock a statement must wait for on a relation the file did not create. */
export interface LockWait {
  statement: number;
  /** The relation as written (`schema.name` or `name`); `*` for every relation of a schema or database. */
  relation: string;
  /** Why the relation is locked when it is not the statement's target (`referenced by a foreign key`). */
  because?: string;
  /** The lock as the server names it: `ACCESS EXCLUSIVE`, `SHARE ROW EXCLUSIVE`, `exclusive metadata`. */
  lock: string;
  /** What queues behind the statement while it waits for the lock. */
  blocks: 'every query' | 'every write' | 'every other schema change';
  /** A non-zero lock timeout is in force for the session when the statement runs. */
  timeoutInForce: boolean;
}

/** Options that change what rules see. */
export interface LintRunOptions {
  /** Treat the whole file as wrapped in one transaction by the migration runner. */
  assumeInTransaction: boolean;
  /** Index names must match this pattern (from `--plans` or the config file). */
  namingPattern?: NamingPattern;
}

/** A naming convention for index names and where it came from. */
export interface NamingPattern {
  regex: RegExp;
  /** Human description: `names start with "idx_" (derived from 12 plan indexes)`. */
  description: string;
}

/** One finding as printed. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  level: FindingLevel;
  rule: string;
  message: string;
  help: string;
}

/** The result of linting a set of files. */
export interface LintReport {
  files: string[];
  findings: Finding[];
  /** Findings that an inline comment suppressed (reported in JSON for audit). */
  suppressed: Array<Finding & { reason: string }>;
}
