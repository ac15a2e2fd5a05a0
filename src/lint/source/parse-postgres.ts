import { hasSqlDetails, loadModule, type Node, type ParseResult, parseSync, scanSync } from 'libpg-query';
import type { ParseProblem } from '../types.js';
import { assembleStatements, type RawStatement } from './assemble.js';
import type { PostgresFile } from './parsed-file.js';
import { LineIndex } from './positions.js';

let loaded: Promise<void> | undefined;

/** Parses a PostgreSQL migration file with libpg_query (the server's own grammar). */
export async function parsePostgresFile(path: string, text: string): Promise<PostgresFile> {
  loaded ??= loadModule();
  await loaded;
  const lines = new LineIndex(text);
  const problems: ParseProblem[] = [];
  const raws: RawStatement<Node>[] = [];
  try {
    if (text.length > 0) raws.push(...rawStatements(parseSync(text), text, 0, lines));
  } catch (error) {
    // One bad statement fails the whole parse: parse statement by statement to keep the rest.
    for (const piece of splitOnSemicolons(text, lines, problems)) {
      try {
        raws.push(...rawStatements(parseSync(piece.text), piece.text, piece.from, lines));
      } catch (pieceError) {
        problems.push(describeError(pieceError, piece.text, piece.from, lines));
      }
    }
    if (raws.length === 0 && problems.length === 0) problems.push(describeError(error, text, 0, lines));
  }
  return {
    family: 'postgres',
    dialect: 'postgres',
    path,
    statements: assembleStatements(text, 'postgres', lines, raws),
    problems,
  };
}

function rawStatements(result: ParseResult, pieceText: string, pieceFrom: number, lines: LineIndex) {
  const pieceLines = pieceFrom === 0 ? lines : new LineIndex(pieceText);
  return (result.stmts ?? []).flatMap((raw) => {
    if (!raw.stmt) return [];
    const startByte = raw.stmt_location ?? 0;
    const from = pieceLines.charOffset(startByte);
    const to = raw.stmt_len ? pieceLines.charOffset(startByte + raw.stmt_len) : pieceText.length;
    return [{ ast: raw.stmt, from: pieceFrom + from, to: pieceFrom + to }];
  });
}

/** Cuts the text at the semicolons the PostgreSQL scanner sees (never inside strings or comments). */
function splitOnSemicolons(text: string, lines: LineIndex, problems: ParseProblem[]) {
  const pieces: Array<{ from: number; text: string }> = [];
  let tokens: ReturnType<typeof scanSync>['tokens'];
  try {
    tokens = scanSync(text).tokens;
  } catch (error) {
    problems.push(describeError(error, text, 0, lines));
    return pieces;
  }
  let from = 0;
  for (const token of tokens) {
    if (token.text !== ';') continue;
    const to = lines.charOffset(token.end);
    pieces.push({ from, text: text.slice(from, to) });
    from = to;
  }
  if (text.slice(from).trim()) pieces.push({ from, text: text.slice(from) });
  return pieces;
}

function describeError(error: unknown, pieceText: string, pieceFrom: number, lines: LineIndex): ParseProblem {
  const message = error instanceof Error ? error.message : String(error);
  const cursorByte = hasSqlDetails(error) ? (error.sqlDetails?.cursorPosition ?? 0) : 0;
  const pieceOffset = pieceFrom === 0 ? lines.charOffset(cursorByte) : new LineIndex(pieceText).charOffset(cursorByte);
  return { message, ...lines.position(pieceFrom + Math.min(pieceOffset, pieceText.length)) };
}
