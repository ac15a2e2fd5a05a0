/** C0 and C1 control characters and the Unicode line separators. */
const lineBreaking = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * A text with every control character escaped (`\n`, `\r`, `\t`, `\u0000`, ...), so that a name or
 * message embedded in a comment, header or table cell of a written file can never start a new line.
 */
export function oneLine(text: string): string {
  return text.replace(lineBreaking, (char) => {
    const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
