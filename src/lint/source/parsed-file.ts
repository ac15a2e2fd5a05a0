import type { Node } from 'libpg-query';
import type { MysqlAst } from '../mysql/ast.js';
import type { ParseProblem, SqlStatement } from '../types.js';

/** A PostgreSQL migration file after parsing. */
export interface PostgresFile {
  family: 'postgres';
  dialect: 'postgres';
  path: string;
  statements: SqlStatement<Node>[];
  problems: ParseProblem[];
}

/** A MySQL or MariaDB migration file after parsing. */
export interface MysqlFile {
  family: 'mysql';
  dialect: 'mysql' | 'mariadb';
  path: string;
  statements: SqlStatement<MysqlAst>[];
  problems: ParseProblem[];
}

/** A migration file after parsing, by SQL family. */
export type ParsedFile = PostgresFile | MysqlFile;
