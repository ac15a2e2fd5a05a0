/** An identifier as MySQL writes it: backquoted (doubled backquotes inside) or bare. */
const ident = '(?:`(?:[^`]|``)*`|[\\w$]+)';

/**
 * Forms MySQL 8/9 and MariaDB 10.11 accept that node-sql-parser 5's grammars reject, each with a form
 * the grammar accepts. A rewrite is applied only where the parser stopped: the match must cover the
 * offset of the parse error, so text the grammar reads fine (a column named `real`, a string `'BOOL'`)
 * is never touched. The replacement keeps what the lint rules read (which table, which indexes are
 * added or dropped, ALGORITHM and LOCK as COPY / online / absent); statement positions come from the
 * original text.
 */
const rewrites: ReadonlyArray<readonly [pattern: RegExp, replacement: string]> = [
  // statement forms the tool itself renders (issue 14): MariaDB's ALGORITHM=NOCOPY (online, like
  // INPLACE for every rule), existence guards inside ALTER TABLE, visibility toggles and renames of an
  // index (no index is added or dropped: a neutral table option stands in), a key's IGNORED flag
  [/\bNOCOPY\b/giu, 'INPLACE'],
  [/\bIF\s+(?:NOT\s+)?EXISTS\b/giu, ''],
  [
    new RegExp(`\\bALTER\\s+(?:INDEX|KEY)\\s+${ident}\\s+(?:NOT\\s+IGNORED|IGNORED|INVISIBLE|VISIBLE)\\b`, 'giu'),
    "COMMENT = ''",
  ],
  [new RegExp(`\\bRENAME\\s+(?:INDEX|KEY)\\s+${ident}\\s+TO\\s+${ident}`, 'giu'), "COMMENT = ''"],
  [/\b(?:NOT\s+)?IGNORED\b/giu, ''],
  // type synonyms
  [/\bBOOL\b/giu, 'BOOLEAN'],
  [/\bCHAR\s+BYTE\b/giu, 'BINARY'],
  [/\b(?:NATIONAL\s+)?(?:CHARACTER|CHAR)\s+VARYING\b/giu, 'VARCHAR'],
  [/\bNCHAR\s+(?:VARCHAR(?:ACTER)?|VARYING)\b/giu, 'VARCHAR'],
  [/\bNATIONAL\s+VARCHAR(?:ACTER)?\b/giu, 'VARCHAR'],
  [/\bNATIONAL\s+(?:CHARACTER|CHAR)\b/giu, 'CHAR'],
  [/\bNCHAR\b/giu, 'CHAR'],
  [/\bNVARCHAR\b/giu, 'VARCHAR'],
  [/\bVARCHARACTER\b/giu, 'VARCHAR'],
  [/\bCHARACTER\b(?!\s+SET\b)/giu, 'CHAR'],
  [/\bLONG\s+VARBINARY\b/giu, 'MEDIUMBLOB'],
  [/\bLONG\s+(?:(?:CHARACTER|CHAR)\s+VARYING|VARCHAR(?:ACTER)?)\b/giu, 'MEDIUMTEXT'],
  [/\bLONG\b/giu, 'MEDIUMTEXT'],
  [/\bDOUBLE\s+PRECISION\b/giu, 'DOUBLE'],
  [/\bREAL\b/giu, 'DOUBLE'],
  [/\b(?:DEC|FIXED)\b/giu, 'DECIMAL'],
  [/\bMIDDLEINT\b/giu, 'MEDIUMINT'],
  [/\bSQL_TSI_YEAR\b/giu, 'YEAR'],
  [/\bGEOMCOLLECTION\b/giu, 'GEOMETRYCOLLECTION'],
  [/\bINET4\b/giu, 'BINARY(4)'],
  [/\bINET6\b/giu, 'BINARY(16)'],
  [/\bUUID\b/giu, 'BINARY(16)'],
  [/\bSERIAL\s+DEFAULT\s+VALUE\b/giu, 'NOT NULL AUTO_INCREMENT UNIQUE'],
  [/\bSERIAL\b/giu, 'BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE'],
  // column attributes: BINARY (a _bin collation of the column's character set), CHARSET, MariaDB's
  // PERSISTENT generated columns, INVISIBLE/VISIBLE columns, SRID, MariaDB's COMPRESSED, MySQL's
  // ENGINE_ATTRIBUTE, MariaDB's system versioning
  [/\bBINARY\b/giu, ''],
  [/\bCHARSET\b/giu, 'CHARACTER SET'],
  [/\bPERSISTENT\b/giu, 'STORED'],
  [/\b(?:IN)?VISIBLE\b/giu, ''],
  [/\bSRID\s+\d+/giu, ''],
  [/\bCOMPRESSED(?:\s*=\s*\w+)?/giu, ''],
  [/\b(?:SECONDARY_)?ENGINE_ATTRIBUTE\s*=?\s*'(?:[^'\\]|\\.|'')*'/giu, ''],
  [/\bWITHOUT\s+SYSTEM\s+VERSIONING\b/giu, ''],
];

/** One replacement made in a text: at `at`, `removed` characters became `inserted` characters. */
export interface Edit {
  at: number;
  removed: number;
  inserted: number;
}

/**
 * The text with the first rewrite whose match covers `errorOffset` applied, or undefined when no
 * rewrite applies there.
 */
export function rewriteAt(sql: string, errorOffset: number): { sql: string; edit: Edit } | undefined {
  const at = errorOffset + (/^\s*/u.exec(sql.slice(errorOffset))?.[0].length ?? 0); // some errors point at the space before
  for (const [pattern, replacement] of rewrites) {
    for (const match of sql.matchAll(pattern)) {
      if (match.index > at) break;
      if (match.index + match[0].length <= at) continue;
      const text = replacement ? ` ${replacement} ` : ' ';
      return {
        sql: sql.slice(0, match.index) + text + sql.slice(match.index + match[0].length),
        edit: { at: match.index, removed: match[0].length, inserted: text.length },
      };
    }
  }
  return undefined;
}

/** Maps an offset in a text after `edits` (in the order made) back to the original text. */
export function originalOffset(offset: number, edits: readonly Edit[]): number {
  let mapped = offset;
  for (const edit of [...edits].reverse()) {
    if (mapped >= edit.at + edit.inserted) mapped += edit.removed - edit.inserted;
    else if (mapped > edit.at) mapped = edit.at;
  }
  return mapped;
}
