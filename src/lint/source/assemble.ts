import type { LintFamily, SqlComment, SqlStatement } from '../types.js';
import { commentsInGap, skipCommentsAndSpace, trimStatementEnd } from './comments.js';
import type { LineIndex } from './positions.js';

/** A statement as a parser returned it: its AST and the character range it came from. */
export interface RawStatement<Ast> {
  ast: Ast;
  from: number;
  to: number;
}

/** Turns parser output into statements with exact positions and the comments around them. */
export function assembleStatements<Ast>(
  text: string,
  family: LintFamily,
  lines: LineIndex,
  raws: RawStatement<Ast>[],
): SqlStatement<Ast>[] {
  const statements: SqlStatement<Ast>[] = [];
  let previousEnd = 0;
  for (const raw of raws) {
    const start = skipCommentsAndSpace(text, raw.from, raw.to, family);
    const end = trimStatementEnd(text, start, raw.to);
    const gap = commentsInGap(text, previousEnd, start, family, lines);
    const previous = statements.at(-1);
    const leadingComments: SqlComment[] = [];
    for (const comment of gap) {
      if (previous && comment.line === previous.endLine) previous.trailingComments.push(comment);
      else leadingComments.push(comment);
    }
    const { line, column } = lines.position(start);
    statements.push({
      ast: raw.ast,
      start,
      end,
      line,
      column,
      endLine: lines.position(Math.max(start, end - 1)).line,
      text: text.slice(start, end),
      leadingComments,
      trailingComments: [],
    });
    previousEnd = end;
  }
  const last = statements.at(-1);
  if (last) {
    for (const comment of commentsInGap(text, previousEnd, text.length, family, lines)) {
      if (comment.line === last.endLine) last.trailingComments.push(comment);
    }
  }
  return statements;
}
