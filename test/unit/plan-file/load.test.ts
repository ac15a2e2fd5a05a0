import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import { parseDuration } from '../../../src/plan-file/duration.js';
import { loadPlans } from '../../../src/plan-file/load.js';

async function planDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'si-plan-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsOf(files: Record<string, string>) {
  const dir = await planDir(files);
  const error = await loadPlans([dir]).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PlanError);
  return { dir, problems: (error as PlanError).problems };
}

describe('loadPlans', () => {
  it('reads a full plan with settings, defaults and positions', async () => {
    const dir = await planDir({
      'billing.yml': `settings:
  lock_timeout: 3s
  max_retries: 2
  max_replica_lag: 1500ms
indexes:
  - name: idx_customer_status_posting
    table: "tabSales Invoice"
    columns: [customer, status, {column: posting_date, order: desc}]
    verify:
      - name: unpaid
        sql: "SELECT 1"
        expect: uses_index
`,
    });
    const plan = await loadPlans([dir]);
    expect(plan.settings).toEqual({
      lockTimeoutMs: 3000,
      maxRetries: 2,
      explainRuns: 7,
      maxRegression: 0.05,
      requireUsageEvidence: false,
      snapshotWaitMs: 600_000,
      maxReplicaLagMs: 1500,
    });
    expect(plan.files).toHaveLength(1);
    expect(plan.files[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const [index] = plan.indexes;
    expect(index).toMatchObject({
      name: 'idx_customer_status_posting',
      table: 'tabSales Invoice',
      unique: false,
      state: 'present',
      include: [],
      columns: ['customer', 'status', { column: 'posting_date', order: 'desc' }],
    });
    expect(index?.source).toMatchObject({ line: 6, column: 5 });
    expect(index?.positions['columns.2']).toMatchObject({ line: 8, column: 33 });
    expect(index?.verify[0]).toMatchObject({ name: 'unpaid', expect: 'uses_index', source: { line: 11 } });
  });

  it('reports malformed YAML with file:line:col', async () => {
    const { dir, problems } = await problemsOf({ 'bad.yml': 'indexes:\n  - name: a\n    table: [unclosed\n' });
    expect(problems[0]?.file).toBe(path.join(dir, 'bad.yml'));
    expect(problems[0]?.line).toBeGreaterThanOrEqual(3);
    expect(problems[0]?.column).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(/invalid YAML/);
  });

  it('reports unknown keys at the key, wrong types at the value', async () => {
    const { problems } = await problemsOf({
      'p.yml':
        'indexes:\n  - name: a\n    table: t\n    columns: [x]\n    uniqe: true\n  - name: b\n    table: t\n    columns: [x]\n    unique: "yes"\n',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'plan_unknown_key',
          line: 5,
          column: 5,
          message: expect.stringContaining('uniqe'),
        }),
        expect.objectContaining({ code: 'plan_invalid_value', line: 9, column: 13 }),
      ]),
    );
  });

  it('requires columns unless absent, and one of column/expression', async () => {
    const { problems } = await problemsOf({
      'p.yml':
        'indexes:\n  - name: a\n    table: t\n  - name: b\n    table: t\n    state: absent\n  - name: c\n    table: t\n    columns: [{order: desc}]\n',
    });
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [2, expect.stringContaining('`columns` is required')],
      [9, expect.stringContaining('exactly one of')],
    ]);
  });

  it('rejects a name declared twice for one table, across files', async () => {
    const entry = 'indexes:\n  - name: idx_a\n    table: t\n    columns: [x]\n';
    const { dir, problems } = await problemsOf({ 'a.yml': entry, 'b.yml': entry });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'plan_duplicate_name', file: path.join(dir, 'b.yml'), line: 2 });
    expect(problems[0]?.message).toContain(`${path.join(dir, 'a.yml')}:2:5`);
  });

  it('rejects durations it cannot read', async () => {
    const { problems } = await problemsOf({ 'p.yml': 'settings:\n  lock_timeout: soon\n' });
    expect(problems[0]).toMatchObject({ line: 2, column: 17 });
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['2m', 120000],
    ['7d', 604_800_000],
    [250, 250],
  ])('%s → %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));
  it('refuses nonsense', () => expect(() => parseDuration('5 parsecs')).toThrow(/invalid duration/));
});
