import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LintDialect } from '../../../src/lint/types.js';

/** Every corpus file states its expected findings in a `-- expect: rule@line, ...` (or `none`) header. */
export const corpusRoot = path.resolve('test/fixtures/lint-corpus');

/** One corpus file with what its header says. */
export interface CorpusFile {
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
      const header = (key: string) =>
        text
          .split('\n')
          .find((line) => line.startsWith(`-- ${key}:`))
          ?.slice(key.length + 4)
          .trim();
      const expect = header('expect');
      if (expect === undefined) throw new Error(`${name} has no -- expect: header`);
      return {
        file: `${folder}/${name}`,
        dialect: (header('dialect') ?? folder) as LintDialect,
        text,
        expected:
          expect === 'none'
            ? []
            : expect
                .split(',')
                .map((item) => item.trim())
                .sort(),
        assumeInTransaction: header('lint') === 'assume-in-transaction',
      };
    });
}
