import type { Parser } from 'node-sql-parser';
import { type MysqlGrammar, mysqlGrammars } from '../../verify-sql/mysql-grammars.js';
import type { StoredRollback } from '../executor-types.js';
import { noReverseStatements, notTheStepsIndex, notTheStepsTable } from '../shared/messages.js';

/**
 * The clauses the tool itself writes that node-sql-parser cannot read, each matched only where the
 * tool writes it. Removing them never changes where a quoted identifier or string starts or ends (no
 * pattern holds a quote), so the parser sees the statement's own structure minus these keywords.
 */
const onlineClauses =
  /,\s*ALGORITHM\s*=\s*(?:DEFAULT|INPLACE|NOCOPY|INSTANT|COPY)\s*,\s*LOCK\s*=\s*(?:DEFAULT|NONE|SHARED|EXCLUSIVE)\s*$/i;
const existenceGuards = /\b(DROP\s+INDEX|KEY|INDEX)\s+IF\s+(?:NOT\s+)?EXISTS\s+(?=`)/gi;
const ignoredOption = /\s+(?:NOT\s+)?IGNORED(?=\s*(?:,|$))/gi;
/**
 * The executable comments SHOW CREATE TABLE prints in a key line, matched whole: MySQL 8's invisible
 * key, and a FULLTEXT parser (`WITH PARSER ngram`). Neither can carry anything but that one word.
 */
const keyLineComments = /\/\*!80000 INVISIBLE \*\/|\/\*!50100 WITH PARSER `(?:[^`]|``)+` \*\//g;
/** Executable comments run on the server but are comments to the parser: none may pass unseen. */
const executableComment = /\/\*M?!/i;

/** `ALTER TABLE t ALTER INDEX i [NOT] IGNORED|[IN]VISIBLE` (before the online clauses), which node-sql-parser cannot read: matched whole. */
const visibilityStatement =
  /^ALTER TABLE (?:`((?:[^`]|``)+)`\.)?`((?:[^`]|``)+)` ALTER INDEX `((?:[^`]|``)+)` (?:NOT IGNORED|IGNORED|VISIBLE|INVISIBLE)$/;

const unquote = (name: string) => name.replaceAll('``', '`');

interface AlterAction {
  action?: string;
  resource?: string;
  index?: string;
  keyword?: string;
  create_definitions?: { index?: string; constraint_type?: string };
}

/** Which key actions of an ALTER undo each recorded action. */
const expected: Record<string, { drop: boolean; add: boolean }> = {
  create: { drop: true, add: false },
  drop: { drop: false, add: true },
  replace: { drop: true, add: true },
};

function parseAlter(
  statement: string,
  grammars: Array<[MysqlGrammar, Parser]>,
): { ast?: Record<string, unknown>; error?: string } {
  const normalized = statement
    .replace(onlineClauses, '')
    .replace(existenceGuards, '$1 ')
    .replace(ignoredOption, '')
    .replace(keyLineComments, '');
  let firstError: unknown;
  // node-sql-parser's MariaDB grammar refuses some keys the MySQL one reads (a UNIQUE KEY with a COMMENT)
  for (const [database, parser] of grammars) {
    try {
      const ast = parser.astify(normalized, { database });
      const list = Array.isArray(ast) ? ast : [ast];
      if (list.length !== 1) return { error: `it holds ${list.length} statements, not one` };
      return { ast: list[0] as unknown as Record<string, unknown> };
    } catch (error) {
      firstError ??= error;
    }
  }
  return { error: `it is not a statement the parser reads (${(firstError as Error).message.split('\n')[0]})` };
}

/**
 * Why one stored reverse statement of a step is not an online ALTER TABLE of the step's table that
 * adds or drops the step's index (and re-adds whatever other key it drops, to keep the key order);
 * undefined when it is. Parsed with node-sql-parser after removing the clauses it cannot read.
 */
export async function checkMysqlStoredRollback(step: StoredRollback, statement: string): Promise<string | undefined> {
  const text = statement.trim();
  if (executableComment.test(text.replace(keyLineComments, ''))) {
    return 'it holds an executable comment, which the server runs and a parser cannot check';
  }
  if (step.action === 'disable' || step.action === 'enable') {
    const match = visibilityStatement.exec(text.replace(onlineClauses, ''));
    if (!match) return 'it is not ALTER TABLE ... ALTER INDEX ... [NOT] IGNORED / [IN]VISIBLE';
    const [, schema, table, index] = match;
    if (unquote(schema ?? step.table.schema) !== step.table.schema || unquote(table!) !== step.table.name) {
      return notTheStepsTable;
    }
    return unquote(index!) === step.index ? undefined : notTheStepsIndex('alters', unquote(index!));
  }
  const wanted = expected[step.action];
  if (!wanted) return noReverseStatements(step.action);
  if (!onlineClauses.test(text)) return 'it lacks the ALGORITHM and LOCK clauses the tool writes';
  const { ast, error } = parseAlter(text, await mysqlGrammars(['MariaDB', 'MySQL']));
  if (!ast) return error;
  if (ast.type !== 'alter') return `it is ${String(ast.type).toUpperCase()}, not ALTER TABLE`;
  const tables = (ast.table as Array<{ db?: string | null; table?: string }> | undefined) ?? [];
  const [table] = tables;
  if (
    tables.length !== 1 ||
    (table?.db ?? step.table.schema) !== step.table.schema ||
    table?.table !== step.table.name
  ) {
    return notTheStepsTable;
  }
  const dropped = new Set<string>();
  const added = new Set<string>();
  for (const action of (ast.expr as AlterAction[] | undefined) ?? []) {
    const keyType = String(action.create_definitions?.constraint_type ?? action.keyword ?? '').toLowerCase();
    if (action.action === 'drop' && action.resource === 'index' && action.index) dropped.add(action.index);
    else if (action.action === 'add' && action.resource === 'index' && action.index) added.add(action.index);
    else if (
      action.action === 'add' &&
      action.resource === 'constraint' &&
      keyType.startsWith('unique') &&
      action.create_definitions?.index
    ) {
      added.add(action.create_definitions.index);
    } else return 'it does more than add and drop keys';
  }
  if (dropped.has(step.index) !== wanted.drop || added.has(step.index) !== wanted.add) {
    return `it does not ${[wanted.drop ? 'drop' : '', wanted.add ? 'add' : ''].filter(Boolean).join(' and ')} the step’s index "${step.index}" as a ${step.action} undo does`;
  }
  // other keys may be dropped only to be added back in the same statement (their place in the key order)
  const others = [...dropped, ...added].filter((name) => name !== step.index);
  const unbalanced = others.filter((name) => dropped.has(name) !== added.has(name));
  if (unbalanced.length > 0) return `it drops or adds other keys without putting them back: ${unbalanced.join(', ')}`;
  return undefined;
}
