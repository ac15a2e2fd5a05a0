import { isMap, isNode, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type * as z from 'zod';
import { type ErrorCode, PlanError, type PlanProblem, type SourcePosition } from '../errors.js';

/** A path into a YAML document: map keys and sequence indexes. */
export type Path = readonly PropertyKey[];

/** Locates YAML nodes by path and turns offsets into file:line:col. */
export class SourceMap {
  constructor(
    private readonly file: string,
    private readonly root: Node | null,
    private readonly lines: LineCounter,
  ) {}

  at(offset: number): SourcePosition {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, column: col };
  }

  /** Position of the value at `keys` (or of its key with `atKey`), or of its nearest existing parent. */
  of(keys: Path, atKey = false): SourcePosition {
    let node: unknown = this.root;
    let best: SourcePosition = this.at(0);
    for (const [i, key] of keys.entries()) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === key);
        if (!pair) break;
        if (isNode(pair.key) && pair.key.range) best = this.at(pair.key.range[0]);
        if (atKey && i === keys.length - 1) return best;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number') {
        node = node.items[key];
      } else break;
      if (isNode(node) && node.range) best = this.at(node.range[0]);
    }
    return best;
  }

  /** Position of a key inside the map at `keys` (for unknown keys). */
  ofKey(keys: Path, key: string): SourcePosition {
    return this.of([...keys, key], true);
  }
}

/** Offset of the first byte that does not start a well-formed UTF-8 sequence (RFC 3629), or the length. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    // the second byte's range is narrower after E0, ED, F0 and F4 (no overlong forms, surrogates, > U+10FFFF)
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k += 1) if (bytes[i + k]! < 0x80 || bytes[i + k]! > 0xbf) return i;
    i += length;
  }
  return i;
}

/**
 * The text of a YAML file read as `bytes`; bytes that are not UTF-8 are an error `code` at their line
 * and (byte) column, never U+FFFD in a created name. `what` names the file in the advice (`plan`, `fleet file`).
 */
export function decodeUtf8(file: string, bytes: Uint8Array, code: ErrorCode, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, offset);
    const line = before.filter((byte) => byte === 0x0a).length + 1;
    const column = offset - (before.lastIndexOf(0x0a) + 1) + 1;
    const found =
      offset < bytes.length ? `byte 0x${bytes[offset]!.toString(16).padStart(2, '0')}` : 'the end of the file';
    throw new PlanError([
      {
        code,
        message: `the file is not UTF-8: invalid byte sequence at ${found} (offset ${offset}); save the ${what} as UTF-8`,
        file,
        line,
        column,
      },
    ]);
  }
}

/**
 * Parses YAML text keeping source positions; a syntax error is a PlanError with `code` at file:line:col.
 * Returns the plain value and the map that places any path of it in the file.
 */
export function parseYamlSource(file: string, text: string, code: ErrorCode): { value: unknown; map: SourceMap } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const map = new SourceMap(file, doc.contents as Node | null, lines);
  if (doc.errors.length > 0) {
    throw new PlanError(
      doc.errors.map((error) => ({
        code,
        message: `invalid YAML: ${error.message.split('\n')[0]}`,
        ...map.at(error.pos[0]),
        file,
      })),
    );
  }
  return { value: doc.toJS() ?? {}, map };
}

/** zod's issues as problems at file:line:col: an unknown key at the key, any other issue at its value. */
export function problemsFromZod(
  error: z.ZodError,
  map: SourceMap,
  file: string,
  codes: { unknownKey: ErrorCode; invalidValue: ErrorCode },
): PlanProblem[] {
  return error.issues.flatMap((issue): PlanProblem[] => {
    const where = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
    const label = where ? `${where.replace(/^\./, '')}: ` : '';
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        code: codes.unknownKey,
        message: `${label}unknown key "${key}"`,
        ...map.ofKey(issue.path, key),
        file,
      }));
    }
    return [{ code: codes.invalidValue, message: `${label}${issue.message}`, ...map.of(issue.path), file }];
  });
}
