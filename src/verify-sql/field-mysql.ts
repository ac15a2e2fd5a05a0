import { findInTree } from './find-in-tree.js';
import { mysqlGrammars } from './mysql-grammars.js';
import type { PlanFieldCheck } from './types.js';

/**
 * Character sequences refused anywhere in a MySQL/MariaDB plan field, even inside a string literal:
 * node-sql-parser skips comments (and the server executes `/*! ... *\/`), and where a string ends
 * depends on the server's sql_mode (NO_BACKSLASH_ESCAPES), so the guard does not try to lex strings.
 */
const refusedSequences: Array<[string, string]> = [
  [';', 'a statement terminator (;)'],
  ['/*', 'a comment (/* ... */; MySQL runs /*! ... */ as SQL)'],
  ['*/', 'a comment end (*/)'],
  ['--', 'a comment (-- ...), which would swallow the rest of the statement'],
  ['#', 'a comment (# ...), which would swallow the rest of the statement'],
];

/** `SELECT <expression>` keys that may hold something; every other key must be empty. */
const expressionKeys = new Set(['type', 'columns', 'into']);

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const limit = value as { value?: unknown[] };
    return Array.isArray(limit.value) && limit.value.length === 0;
  }
  return false;
}

/** A subquery or a user variable, which the server refuses in functional key parts. */
function refusedNodeAt(record: Record<string, unknown>): string | undefined {
  if ('ast' in record || record.type === 'select') return 'a subquery';
  if (record.type === 'var' || record.type === 'assign') return 'a user variable';
  return undefined;
}

/** Why the parsed `SELECT <text>` is more than one expression, if it is. */
function shapeProblem(ast: unknown): string | undefined {
  if (Array.isArray(ast)) return ast.length === 1 ? shapeProblem(ast[0]) : `${ast.length} statements`;
  const select = ast as Record<string, unknown>;
  if (select.type !== 'select') return 'not an expression';
  const extra = Object.keys(select).find((key) => !expressionKeys.has(key) && !isEmpty(select[key]));
  if (extra) return `it adds a clause (${extra})`;
  if ((select.into as { position?: unknown } | undefined)?.position) return 'it adds an INTO clause';
  const columns = (select.columns as Array<{ as?: unknown }> | undefined) ?? [];
  if (columns.length !== 1) return `${columns.length} comma-separated items`;
  if (columns[0]?.as) return 'it has an alias';
  const refused = findInTree(columns, refusedNodeAt);
  return refused ? `it contains ${refused}` : undefined;
}

/**
 * Checks that a plan field (`expression`, `where`) is exactly one MySQL/MariaDB expression: a guard
 * refuses terminators and comments outright, then node-sql-parser (MySQL grammar, then MariaDB's)
 * must read `SELECT <text>` as one item with no other clause, no subquery and no user variable.
 */
export async function checkMysqlField(text: string): Promise<PlanFieldCheck> {
  const refused = refusedSequences.find(([sequence]) => text.includes(sequence));
  if (refused) return { ok: false, reason: `it contains ${refused[1]}` };
  let firstProblem: string | undefined;
  for (const [database, parser] of await mysqlGrammars(['MySQL', 'MariaDB'])) {
    let ast: unknown;
    try {
      ast = parser.astify(`SELECT ${text}`, { database });
    } catch (error) {
      firstProblem ??= `not one MySQL/MariaDB expression: ${((error as Error).message.split('\n')[0] ?? '').slice(0, 200)}`;
      continue;
    }
    const problem = shapeProblem(ast);
    if (!problem) return { ok: true };
    firstProblem = `not one expression: ${problem}`;
  }
  return { ok: false, reason: firstProblem ?? 'not one MySQL/MariaDB expression' };
}
