import type { Parser } from 'node-sql-parser';
import { type MysqlGrammar, mysqlGrammars } from '../../verify-sql/mysql-grammars.js';
import type { MysqlAst } from '../mysql/ast.js';
import type { ParseProblem } from '../types.js';
import { assembleStatements, type RawStatement } from './assemble.js';
import { type Edit, originalOffset, rewriteAt } from './mysql-rewrites.js';
import type { MysqlFile } from './parsed-file.js';
import { LineIndex } from './positions.js';

/** Appended to a candidate statement: parses only if the candidate really ended at its semicolon. */
const probe = '\nSELECT 1';

interface Attempt {
  asts?: MysqlAst[];
  errorOffset?: number;
  message?: string;
}

/**
 * Parses a MySQL/MariaDB migration file with node-sql-parser. The library gives no statement
 * positions, so the file is parsed one statement at a time: a candidate statement runs to the next
 * semicolon, and it counts as a statement only if the parser accepts it followed by another
 * statement (a semicolon inside a string or comment fails that test and the candidate grows).
 * MariaDB files use the MySQL grammar first (node-sql-parser's MariaDB grammar lacks ADD UNIQUE and
 * ADD PRIMARY KEY) and fall back to the MariaDB grammar for a statement the MySQL one rejects. Column
 * forms the grammars lack (`BOOL`, `VARCHAR(n) BINARY`, ...) are rewritten where the parser stops.
 */
export async function parseMysqlFile(path: string, text: string, dialect: 'mysql' | 'mariadb'): Promise<MysqlFile> {
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const raws: RawStatement<MysqlAst>[] = [];
  const grammars = await mysqlGrammars(dialect === 'mariadb' ? ['MySQL', 'MariaDB'] : ['MySQL']);
  let from = 0;
  while (from < text.length) {
    let accepted = false;
    let genuine: { offset: number; message: string; to: number } | undefined;
    for (let semicolon = text.indexOf(';', from); semicolon >= 0; semicolon = text.indexOf(';', semicolon + 1)) {
      const candidate = text.slice(from, semicolon + 1);
      const attempt = tryParse(candidate + probe, grammars);
      if (attempt.asts) {
        if (attempt.asts.length < 2) continue; // nothing but comments so far
        for (const ast of attempt.asts.slice(0, -1)) raws.push({ ast, from, to: semicolon + 1 });
        from = semicolon + 1;
        accepted = true;
        break;
      }
      if ((attempt.errorOffset ?? 0) < candidate.length - 1) {
        genuine = { offset: from + (attempt.errorOffset ?? 0), message: attempt.message ?? '', to: semicolon + 1 };
        break;
      }
    }
    if (accepted) continue;
    if (genuine) {
      problems.push({ message: genuine.message, ...lines.position(genuine.offset) });
      from = genuine.to;
      continue;
    }
    const rest = text.slice(from);
    const attempt = tryParse(rest, grammars);
    if (attempt.asts) for (const ast of attempt.asts) raws.push({ ast, from, to: text.length });
    else problems.push({ message: attempt.message ?? '', ...lines.position(from + (attempt.errorOffset ?? 0)) });
    break;
  }
  return {
    family: 'mysql',
    dialect,
    path,
    statements: assembleStatements(text, 'mysql', lines, raws),
    problems,
  };
}

/** At most this many rewrites per statement (a column list may use several synonyms). */
const maxRewrites = 50;

/**
 * Parses with each grammar in turn. Where a grammar stops at a column form it lacks, the form is
 * rewritten (mysql-rewrites.ts) and the text parsed again; a failure is reported at its offset in the
 * original text.
 */
function tryParse(sql: string, grammars: Array<[MysqlGrammar, Parser]>): Attempt {
  let first: Attempt | undefined;
  for (const [database, parser] of grammars) {
    let text = sql;
    const edits: Edit[] = [];
    for (;;) {
      try {
        const result = parser.astify(text, { database, trimQuery: false }) as unknown as MysqlAst | MysqlAst[];
        return { asts: Array.isArray(result) ? result : [result] };
      } catch (error) {
        const location = (error as { location?: { start?: { offset?: number } } }).location;
        const offset = location?.start?.offset ?? 0;
        const rewritten = edits.length < maxRewrites ? rewriteAt(text, offset) : undefined;
        if (rewritten) {
          text = rewritten.sql;
          edits.push(rewritten.edit);
          continue;
        }
        first ??= {
          errorOffset: originalOffset(offset, edits),
          message: error instanceof Error ? error.message : String(error),
        };
        break;
      }
    }
  }
  return first!;
}
