import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';
import { readCorpus } from './corpus.js';

const corpus = [...readCorpus('postgres'), ...readCorpus('mysql')];

describe('lint corpus', () => {
  it('has at least 30 migration files', () => {
    expect(new Set(corpus.map((entry) => entry.file)).size).toBeGreaterThanOrEqual(30);
  });

  it.each(corpus.map((entry) => [entry.label, entry] as const))(
    '%s lints exactly as expected',
    async (_name, entry) => {
      const result = await lintSql(entry.file, entry.text, {
        dialect: entry.dialect,
        assumeInTransaction: entry.assumeInTransaction,
        levels: {},
      });
      const actual = result.findings.map((finding) => `${finding.rule}@${finding.line}`).sort();
      expect(actual).toEqual(entry.expected);
    },
  );
});
