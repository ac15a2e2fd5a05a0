import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import type { LintDialect } from '../../../src/lint/types.js';

/** Every corpus file states its expected findings in a `-- expect: rule@line, ...` (or `none`) header. */
export const corpusRoot = path.resolve('test/fixtures/lint-corpus');

interface CorpusFile {
  file: string;
  dialect: LintDialect;
  text: string;
  expected: string[];
  assumeInTransaction: boolean;
}

/** Reads the corpus files of one folder with their headers. */
export function readCorpus(folder: 'postgres' | 'mysql'): CorpusFile[] {
  const directory = path.join(corpusRoot, folder);
  return readdirSync(directory)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => {
      const text = readFileSync(path.join(directory, name), 'utf8');
      const header = (key: string) => text.split('\n').find((line) => line.startsWith(`-- ${key}:`))?.slice(key.length + 4).trim();
      const expect = header('expect');
      if (expect === undefined) throw new Error(`${name} has no -- expect: header`);
      return {
        file: `${folder}/${name}`,
        dialect: (header('dialect') ?? folder) as LintDialect,
        text,
        expected: expect === 'none' ? [] : expect.split(',').map((item) => item.trim()).sort(),
        assumeInTransaction: header('lint') === 'assume-in-transaction',
      };
    });
}

const corpus = [...readCorpus('postgres'), ...readCorpus('mysql')];

describe('lint corpus', () => {
  it('has at least 30 migration files', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((entry) => [entry.file, entry] as const))('%s lints exactly as expected', async (_name, entry) => {
    const result = await lintSql(entry.file, entry.text, {
      dialect: entry.dialect,
      assumeInTransaction: entry.assumeInTransaction,
      levels: {},
    });
    const actual = result.findings.map((finding) => `${finding.rule}@${finding.line}`).sort();
    expect(actual).toEqual(entry.expected);
  });
});
