/** Longest PostgreSQL identifier, in bytes (NAMEDATALEN - 1); longer names are truncated by the server. */
export const maxIdentifierBytes = 63;

/** Double-quotes an identifier, doubling any `"` inside it. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal; doubles `'` and uses the E'' form when a backslash is present. */
export function quoteLiteral(value: string): string {
  const body = value.replaceAll("'", "''");
  return value.includes('\\') ? `E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

/** `"schema"."name"`. */
export function quoteQualified(schema: string, name: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/** Keywords that `quote_ident` quotes (every category but unreserved), as PostgreSQL 15 lists them. */
export const defaultQuotedKeywords: ReadonlySet<string> = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization between bigint binary bit boolean both ' +
    'case cast char character check coalesce collate collation column concurrently constraint create cross ' +
    'current_catalog current_date current_role current_schema current_time current_timestamp current_user dec ' +
    'decimal default deferrable desc distinct do else end except exists extract false fetch float for foreign ' +
    'freeze from full grant greatest group grouping having ilike in initially inner inout int integer intersect ' +
    'interval into is isnull join lateral leading least left like limit localtime localtimestamp national natural ' +
    'nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps overlay ' +
    'placing position precision primary real references returning right row select session_user setof similar ' +
    'smallint some substring symmetric table tablesample then time timestamp to trailing treat trim true union ' +
    'unique user using values varchar variadic verbose when where window with xmlattributes xmlconcat xmlelement ' +
    'xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable'
  ).split(' '),
);

/** Quotes an identifier only where the server's `quote_ident` would (for definitions as pg_get_indexdef prints them). */
export function quoteIdentLikeServer(name: string, quotedKeywords: ReadonlySet<string>): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !quotedKeywords.has(name) ? name : quoteIdent(name);
}

/** Byte length of a name as the server counts it (UTF-8). */
function identifierBytes(name: string): number {
  return Buffer.byteLength(name, 'utf8');
}

/** `base` + `suffix`, with `base` cut on a character boundary so the whole fits in 63 bytes. */
export function fitIdentifier(base: string, suffix: string): string {
  const room = maxIdentifierBytes - identifierBytes(suffix);
  let cut = '';
  for (const char of base) {
    if (identifierBytes(cut + char) > room) break;
    cut += char;
  }
  return cut + suffix;
}
