import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import { loadPlans } from '../../../src/plan-file/load.js';

async function problemsOf(text: string | Buffer) {
  const dir = await mkdtemp(path.join(tmpdir(), 'si-limits-'));
  const file = path.join(dir, 'plan.yml');
  await writeFile(file, text);
  const error = await loadPlans([file]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlanError);
  return { file, problems: (error as PlanError).problems };
}

const entry = `indexes:
  - name: idx_a
    table: t
    columns: [a]
`;

describe('settings at their limits', () => {
  it.each([
    ['lock_timeout: 1000h', 'lock_timeout', 'at most 1h'],
    ['lock_timeout: 3600001', 'lock_timeout', 'at most 1h'],
    ['snapshot_wait: 25h', 'snapshot_wait', 'at most 1d'],
    ['snapshot_wait: soon', 'snapshot_wait', 'write a duration'],
    ['max_retries: 100000000000', 'max_retries', 'at most 100'],
    ['explain_runs: 1000000', 'explain_runs', 'at most 100'],
    ['max_regression: .inf', 'max_regression', ''],
    ['max_regression: 1001', 'max_regression', 'at most 1000'],
  ])('%s is an error at its line', async (setting, key, says) => {
    const { file, problems } = await problemsOf(`settings:\n  ${setting}\n${entry}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file, line: 2, code: 'plan_invalid_value' });
    expect(problems[0]?.message).toContain(`settings.${key}`);
    expect(problems[0]?.message).toContain(says);
  });

  it('accepts the limits themselves', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'si-limits-'));
    const file = path.join(dir, 'plan.yml');
    const settings =
      'lock_timeout: 1h\n  snapshot_wait: 24h\n  max_retries: 100\n  explain_runs: 100\n  max_regression: 1000';
    await writeFile(file, `settings:\n  ${settings}\n${entry}`);
    const plan = await loadPlans([file]);
    expect(plan.settings).toMatchObject({ lockTimeoutMs: 3_600_000, snapshotWaitMs: 86_400_000, maxRetries: 100 });
  });
});

describe('plan file encoding', () => {
  it('invalid UTF-8 is an error at its line and column, not U+FFFD in a name', async () => {
    const text = Buffer.concat([
      Buffer.from('indexes:\n  - name: idx_'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('a\n    table: t\n    columns: [a]\n'),
    ]);
    const { file, problems } = await problemsOf(text);
    expect(problems).toEqual([expect.objectContaining({ code: 'plan_encoding', file, line: 2, column: 15 })]);
    expect(problems[0]?.message).toContain('not UTF-8');
    expect(problems[0]?.message).toContain('0xff');
  });

  it('a multi-byte sequence cut off at the end of the file is an error too', async () => {
    const text = Buffer.concat([Buffer.from(entry), Buffer.from('# caf'), Buffer.from([0xc3])]);
    const { problems } = await problemsOf(text);
    expect(problems[0]).toMatchObject({ code: 'plan_encoding', line: 5 });
    expect(problems[0]?.message).toContain('0xc3');
  });

  it('valid UTF-8 (names with accents, a BOM) still loads', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'si-limits-'));
    const file = path.join(dir, 'plan.yml');
    await writeFile(file, `\uFEFF${entry.replace('idx_a', 'idx_café')}`);
    const plan = await loadPlans([file]);
    expect(plan.indexes[0]?.name).toBe('idx_café');
  });
});
