import type { LintFamily, SqlComment } from '../types.js';
import type { LineIndex } from './positions.js';

/**
 * Finds the comments in a stretch of text that holds no SQL (the gap between two parsed statements),
 * so only whitespace, semicolons and comments can occur there.
 */
export function commentsInGap(
  text: string,
  from: number,
  to: number,
  family: LintFamily,
  lines: LineIndex,
): SqlComment[] {
  const comments: SqlComment[] = [];
  let i = from;
  while (i < to) {
    const rest = text.slice(i, i + 2);
    let end = -1;
    if (rest === '--' || (family === 'mysql' && text[i] === '#')) {
      end = text.indexOf('\n', i);
      if (end < 0 || end > to) end = to;
    } else if (rest === '/*') {
      end = text.indexOf('*/', i + 2);
      end = end < 0 || end + 2 > to ? to : end + 2;
    }
    if (end < 0) {
      i++;
      continue;
    }
    comments.push({ text: text.slice(i, end).trimEnd(), start: i, ...lines.position(i) });
    i = end;
  }
  return comments;
}

/** Offset of the first character after leading whitespace and comments (the statement's real start). */
export function skipCommentsAndSpace(text: string, from: number, to: number, family: LintFamily): number {
  let i = from;
  while (i < to) {
    const ch = text[i]!;
    if (/\s/.test(ch)) i++;
    else if (text.startsWith('--', i) || (family === 'mysql' && ch === '#')) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? to : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? to : end + 2;
    } else break;
  }
  return Math.min(i, to);
}

/** Offset just past the last non-space character before `to`, ignoring a final semicolon. */
export function trimStatementEnd(text: string, from: number, to: number): number {
  let end = to;
  while (end > from && /\s/.test(text[end - 1]!)) end--;
  if (text[end - 1] === ';') end--;
  while (end > from && /\s/.test(text[end - 1]!)) end--;
  return end;
}
