import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LintDialect } from '../../../src/lint/types.js';

/**
 * Every corpus file states its expected findings in a `-- expect: rule@line, ...` (or `none`) header;
 * `-- lint: assume-in-transaction` lints it as if the runner wrapped it in a transaction, and an
 * `-- expect-in-transaction: ...` header adds a second run with `--assume-in-transaction`.
 */
export const corpusRoot = path.resolve('test/fixtures/lint-corpus');

/** One run of a corpus file with what its header says. */
export interface CorpusFile {
  file: string;
  /** The file, and `(in transaction)` for the second run of a file with both headers. */
  label: string;
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
    .flatMap((name): CorpusFile[] => {
      const text = readFileSync(path.join(directory, name), 'utf8');
      const header = (key: string) =>
        text
          .split('\n')
          .find((line) => line.startsWith(`-- ${key}:`))
          ?.slice(key.length + 4)
          .trim();
      const findings = (list: string) =>
        list === 'none'
          ? []
          : list
              .split(',')
              .map((item) => item.trim())
              .sort();
      const expect = header('expect');
      if (expect === undefined) throw new Error(`${name} has no -- expect: header`);
      const file = `${folder}/${name}`;
      const dialect = (header('dialect') ?? folder) as LintDialect;
      const runs: CorpusFile[] = [
        {
          file,
          label: file,
          dialect,
          text,
          expected: findings(expect),
          assumeInTransaction: header('lint') === 'assume-in-transaction',
        },
      ];
      const inTransaction = header('expect-in-transaction');
      if (inTransaction !== undefined) {
        const label = `${file} (in transaction)`;
        runs.push({ file, label, dialect, text, expected: findings(inTransaction), assumeInTransaction: true });
      }
      return runs;
    });
}
