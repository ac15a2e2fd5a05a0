import { describe, expect, it } from 'vitest';
import { runLint } from '../../../src/lint/index.js';

const folder = 'test/fixtures/lint-corpus/knex';
const short = (file: string) => file.slice(file.lastIndexOf('/') + 1, file.indexOf('_'));

describe('lint --knex', () => {
  it('captures the SQL each up() would send, without a database, and lints it at the calling line', async () => {
    const report = await runLint({ files: [], dialect: 'postgres', knex: folder });
    expect(report.findings.map((f) => `${short(f.file)}:${f.line} ${f.rule}`)).toEqual([
      '20240102000000:2 create-index-non-concurrently',
      '20240102000000:2 missing-lock-timeout',
      '20240103000000:3 concurrently-in-transaction',
      '20240106000000:1 knex-capture-error',
    ]);
    expect(report.suppressed.map((f) => `${short(f.file)}:${f.line} ${f.rule} (${f.reason})`)).toEqual([
      '20240104000000:8 drop-index-non-concurrently (the old index is unused and the table has 2 rows)',
    ]);
    expect(report.files).toHaveLength(6);
  });

  it('uses the MySQL grammar and knex mysql client for --dialect mysql', async () => {
    const report = await runLint({ files: [], dialect: 'mysql', knex: folder });
    const rules = report.findings.filter((f) => short(f.file) === '20240102000000').map((f) => f.rule);
    expect(rules).toEqual(['missing-lock-timeout', 'missing-online-ddl-options']);
  });
});
