import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCodes } from '../../../src/errors.js';

const docs = readFileSync('docs/json.md', 'utf8');

/** Codes in the first column of the tables under "## Error codes". */
function documentedCodes(): string[] {
  const section = docs.slice(docs.indexOf('## Error codes'));
  const rows = section.split('\n').filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => [...row.split('|')[1]!.matchAll(/`([a-z_]+)`/g)].map((match) => match[1]!));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

const sources = sourceFiles('src').map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** Where a literal in src/ is used as an error code: thrown, put in a problem, or a failure kind. */
const codeSites = [
  /new [A-Za-z]*Error\(\s*'([a-z_]+)'/g,
  /new StatementFailure\(\s*\{\s*kind: '([a-z_]+)'/g,
  /\bcode: '([a-z_]+)'/g,
  /entryProblem\([a-z]+, '([a-z_]+)'/g,
  /\badd\(\s*'[a-z_]*',\s*'([a-z_]+)'/g,
  /\bproblem\(\s*'([a-z_]+)'/g,
];

/** A classified statement failure (`{ kind, message }`): its kind is the step's code. */
const failureKind = /\bkind: '([a-z_]+)'(?=,\s*message)/g;

function codesUsedIn(text: string, file = 'src/executor/x.ts'): string[] {
  const classifies = /src[\\/](dialects|executor)[\\/]/.test(file);
  return [...codeSites, ...(classifies ? [failureKind] : [])].flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[1]!),
  );
}

/** Files whose plain `throw new Error` are invariants of the tool's own code (a bug if they fire). */
const invariantThrows = new Set([
  'src/diff/diff.ts',
  'src/dialects/mysql/render.ts',
  'src/dialects/postgres/render.ts',
  'src/package-files.ts',
  'src/connection/placeholders.ts', // a statement whose bindings do not match its placeholders: a bug
  'src/demo/embedded-server.ts', // MODULE_NOT_FOUND, caught there and turned into demo_unavailable
]);

describe('error codes', () => {
  it('every code of errorCodes is documented in docs/json.md', () => {
    const documented = new Set(documentedCodes());
    expect(errorCodes.filter((code) => !documented.has(code))).toEqual([]);
  });

  it('docs/json.md documents no code the tool does not have', () => {
    const known = new Set<string>(errorCodes);
    expect(documentedCodes().filter((code) => !known.has(code))).toEqual([]);
  });

  it('every code thrown or reported in src/ is one of errorCodes (and so documented)', () => {
    const known = new Set<string>(errorCodes);
    const unknown = sources.flatMap(({ file, text }) =>
      codesUsedIn(text, file)
        .filter((code) => !known.has(code))
        .map((code) => `${file}: ${code}`),
    );
    expect(unknown).toEqual([]);
  });

  it('finds the codes of src/ (so the check above can fail)', () => {
    const used = new Set(sources.flatMap(({ file, text }) => codesUsedIn(text, file)));
    for (const code of ['usage', 'plan_sql_field', 'rollback_refused', 'saved_plan_drift', 'lock_timeout', 'blockers'])
      expect(used).toContain(code);
    expect(codesUsedIn("throw new SafeIndexError('no_such_code', 'x')")).toEqual(['no_such_code']);
  });

  it('no plain Error reaches users: a thrown error outside the invariant files has a code', () => {
    const plain = sources
      .filter(({ file }) => !invariantThrows.has(file.split(path.sep).join('/')))
      .flatMap(({ file, text }) =>
        text
          .split('\n')
          .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
          .filter(({ line }) => /throw new (Type|Range)?Error\(/.test(line))
          .map(({ at, line }) => `${at}: ${line.trim()}`),
      );
    expect(plain).toEqual([]);
  });

  it('every code is unique in the list', () => {
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
  });
});
