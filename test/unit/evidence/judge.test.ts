import { describe, expect, it } from 'vitest';
import { judgementProblems, verifyEntries } from '../../../src/evidence/apply-hook.js';
import { judgeNow, judgeVerify } from '../../../src/evidence/judge.js';
import { median } from '../../../src/evidence/measure.js';
import type { MeasuredQuery, QueryMeasurement, VerifyTarget } from '../../../src/evidence/types.js';
import { renderJudgementsMarkdown } from '../../../src/render/markdown/evidence.js';

function target(expect?: 'uses_index', state: 'present' | 'absent' = 'present'): VerifyTarget {
  return {
    index: 'idx_a',
    table: { schema: 'public', name: 't' },
    state,
    query: {
      name: 'by a',
      sql: 'SELECT * FROM t WHERE a = 1',
      ...(expect ? { expect } : {}),
      source: { file: 'p.yml', line: 9, column: 11 },
    },
  };
}

function measured(
  t: VerifyTarget,
  medianMs: number,
  indexes: string[],
  accessPaths = ['Seq Scan on t'],
  minMs = medianMs * 0.9,
): MeasuredQuery {
  const measurement: QueryMeasurement = {
    medianMs,
    minMs,
    maxMs: medianMs * 1.2,
    runsMs: [minMs, medianMs, medianMs * 1.2],
    indexes,
    topNode: accessPaths[0]!,
    accessPaths,
    rowsExamined: 10,
  };
  return { target: t, outcome: { ok: true, measurement } };
}

describe('median', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('median(%j) = %d', (values, expected) => expect(median(values)).toBe(expected));
});

describe('judgeVerify', () => {
  const options = { maxRegression: 0.05 };

  it('reports speedup, index use before/after and a plan change; passes a met expect', () => {
    const t = target('uses_index');
    const [j] = judgeVerify(
      [measured(t, 40, [])],
      [measured(t, 0.05, ['idx_a'], ['Index Scan using idx_a on t'])],
      options,
    );
    expect(j).toMatchObject({ speedup: 800, usesIndexBefore: false, usesIndexAfter: true, planChanged: true });
    expect(j!.failures).toEqual([]);
    expect(verifyEntries([j!])[0]).toMatchObject({
      index: 'idx_a',
      query: 'SELECT * FROM t WHERE a = 1',
      before: { median_ms: 40, uses_index: false },
      after: { median_ms: 0.05, uses_index: true },
      speedup: 800,
    });
  });

  it('fails an unmet expect: uses_index and names what the plan reads', () => {
    const t = target('uses_index');
    const [j] = judgeVerify(
      [measured(t, 40, [])],
      [measured(t, 40.5, ['other'], ['Index Scan using other on t'])],
      options,
    );
    expect(j!.failures.map((f) => f.kind)).toEqual(['expect_unmet']);
    expect(j!.failures[0]!.message).toMatch(/expected the plan to use index "idx_a", it reads "other"/);
    expect(judgementProblems([j!])).toEqual([
      expect.objectContaining({ code: 'verify_expect_unmet', index: 'idx_a', table: 't' }),
    ]);
  });

  it('does not check expect for an index the plan drops', () => {
    const t = target('uses_index', 'absent');
    expect(judgeVerify([measured(t, 40, ['idx_a'])], [measured(t, 40, [])], options)[0]!.failures).toEqual([]);
  });

  it('fails a consistent regression beyond max_regression', () => {
    const t = target();
    const seq = ['Seq Scan on t'];
    const slower = judgeVerify([measured(t, 20, [])], [measured(t, 22, [], seq, 21.5)], options)[0]!;
    expect(slower.failures.map((f) => f.kind)).toEqual(['regression']);
    expect(slower.failures[0]!.message).toMatch(/20\.0 ms -> 22\.0 ms \(\+10%, max_regression 5%\)/);
  });

  it.each([
    ['within max_regression', 20, 20.9, 20.5, undefined],
    ['not consistent: the fastest run after is within the limit', 20, 22, 20.5, undefined],
    ['under the 1 ms noise floor', 0.05, 0.5, 0.45, undefined],
  ])('ignores a slowdown %s', (_why, beforeMs, afterMs, afterMinMs) => {
    const t = target();
    const after = measured(t, afterMs, [], ['Seq Scan on t'], afterMinMs);
    expect(judgeVerify([measured(t, beforeMs, [])], [after], options)[0]!.failures).toEqual([]);
  });

  it('counts a sub-millisecond slowdown when the noise floor is 0', () => {
    const t = target();
    const after = measured(t, 0.5, [], ['Seq Scan on t'], 0.45);
    const judged = judgeVerify([measured(t, 0.05, [])], [after], { ...options, noiseFloorMs: 0 });
    expect(judged[0]!.failures.map((f) => f.kind)).toEqual(['regression']);
  });

  it('fails a query that errors after the change and leaves it out of the SPEC entries', () => {
    const t = target();
    const [j] = judgeVerify([measured(t, 1, [])], [{ target: t, outcome: { ok: false, error: 'boom' } }], options);
    expect(j!.failures).toEqual([{ kind: 'error', message: 'after the change the query fails: boom' }]);
    expect(verifyEntries([j!])).toEqual([]);
  });

  it('renders a markdown table with the failure listed', () => {
    const t = target('uses_index');
    const judged = judgeVerify([measured(t, 40, [])], [measured(t, 39, [])], options);
    const markdown = renderJudgementsMarkdown(judged);
    expect(markdown).toContain('| `idx_a` | by a | 40.0 ms');
    expect(markdown).toContain('no → no');
    expect(markdown).toContain('**failed** (expect_unmet)');
  });
});

describe('judgeNow', () => {
  it('checks expect against the index used now', () => {
    const t = target('uses_index');
    expect(judgeNow([measured(t, 0.1, ['idx_a'])])[0]).toMatchObject({ usesIndex: true, failures: [] });
    expect(judgeNow([measured(t, 9, [])])[0]!.failures.map((f) => f.kind)).toEqual(['expect_unmet']);
  });
});
