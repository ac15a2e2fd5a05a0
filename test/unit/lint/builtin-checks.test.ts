import { describe, expect, it } from 'vitest';
import { lintSql } from '../../../src/lint/engine.js';

const unreadable = 'CREATE INDEX CONCURRENTLY idx_a ON orders (a);\nCREATE INDEXX broken;\n';
const reasonless = '-- safe-index-ignore: create-index-non-concurrently\nCREATE INDEX idx_a ON orders (a);\n';

async function builtinFindings(sql: string, levels: Record<string, 'off' | 'warning' | 'error'>) {
  const result = await lintSql('test.sql', sql, { dialect: 'postgres', assumeInTransaction: false, levels });
  return result.findings
    .filter((finding) => finding.rule === 'parse-error' || finding.rule === 'invalid-suppression')
    .map((finding) => `${finding.rule}@${finding.line}:${finding.level}`);
}

describe('built-in checks', () => {
  it('report at error level by default', async () => {
    expect(await builtinFindings(unreadable, {})).toEqual(['parse-error@2:error']);
    expect(await builtinFindings(reasonless, {})).toEqual(['invalid-suppression@1:error']);
  });

  it('take the level the config gives them, and disappear when turned off', async () => {
    expect(await builtinFindings(unreadable, { 'parse-error': 'warning' })).toEqual(['parse-error@2:warning']);
    expect(await builtinFindings(unreadable, { 'parse-error': 'off' })).toEqual([]);
    expect(await builtinFindings(reasonless, { 'invalid-suppression': 'off' })).toEqual([]);
  });
});
