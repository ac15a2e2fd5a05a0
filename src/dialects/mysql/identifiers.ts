/** Quotes a MySQL/MariaDB identifier with backticks, doubling any backtick inside. */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

const literalEscapes: Record<string, string> = {
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
  '\\': '\\\\',
  "'": "''",
};

/** Quotes a string literal the way SHOW CREATE TABLE prints one (e.g. an index COMMENT). */
export function quoteMysqlLiteral(value: string): string {
  return `'${value.replace(/[\0\n\r\x1a\\']/g, (char) => literalEscapes[char]!)}'`;
}

/** `db`.`table`, both quoted. */
export function qualifiedTable(schema: string, table: string): string {
  return `${quoteMysqlIdent(schema)}.${quoteMysqlIdent(table)}`;
}
