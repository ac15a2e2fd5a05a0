import { describe, expect, it } from 'vitest';
import { diffIndex, disabledEntryProblem } from '../../../src/diff/diff.js';
import { redundancyWarnings } from '../../../src/diff/redundancy.js';
import { Index, type IndexDefinition } from '../../../src/model/index-model.js';
import { LiveIndex, type LiveIndexFacts, type LiveTable } from '../../../src/model/schema.js';

function definition(name: string, columns: string[], extra: Partial<IndexDefinition> = {}): IndexDefinition {
  return {
    schema: 'public',
    table: 'tabSales Invoice',
    name,
    unique: false,
    method: 'btree',
    keyParts: columns.map((column) => ({ column, order: 'asc' as const })),
    include: [],
    ...extra,
  };
}

function live(
  name: string,
  columns: string[],
  facts: Partial<LiveIndexFacts> = {},
  extra: Partial<IndexDefinition> = {},
) {
  return new LiveIndex(definition(name, columns, extra), {
    valid: true,
    visible: true,
    constraint: null,
    definition: `CREATE INDEX ${name}`,
    partitioned: false,
    ...facts,
  });
}

function table(indexes: LiveIndex[]): LiveTable {
  return {
    schema: 'public',
    name: 'tabSales Invoice',
    columns: [],
    indexes,
    estimatedRows: 0,
    totalBytes: 0,
    partitioned: false,
  };
}

describe('diffIndex', () => {
  const desired = new Index(definition('idx_c', ['customer', 'status']));
  it.each([
    ['create when absent live', table([]), 'present', 'create'],
    ['noop when equal', table([live('idx_c', ['customer', 'status'])]), 'present', 'noop'],
    ['replace when the definition differs', table([live('idx_c', ['customer'])]), 'present', 'replace'],
    [
      'replace an INVALID index under the managed name',
      table([live('idx_c', ['customer', 'status'], { valid: false })]),
      'present',
      'replace',
    ],
    ['drop when state absent', table([live('idx_c', ['customer'])]), 'absent', 'drop'],
    ['noop when absent and already gone', table([]), 'absent', 'noop'],
    ['disable a visible index', table([live('idx_c', ['customer', 'status'])]), 'disabled', 'disable'],
    [
      'noop when disabled and already invisible',
      table([live('idx_c', ['customer', 'status'], { visible: false })]),
      'disabled',
      'noop',
    ],
    [
      'enable when present and invisible',
      table([live('idx_c', ['customer', 'status'], { visible: false })]),
      'present',
      'enable',
    ],
    [
      'replace (visible) when present, invisible and different',
      table([live('idx_c', ['customer'], { visible: false })]),
      'present',
      'replace',
    ],
  ] as const)('%s', (_label, liveTable, state, action) => {
    const change = diffIndex(
      state === 'absent'
        ? { name: 'idx_c', state, table: liveTable }
        : { name: 'idx_c', state, desired, table: liveTable },
    );
    expect(change.action).toBe(action);
    expect(change.table).toEqual({ schema: 'public', name: 'tabSales Invoice' });
  });

  it('refuses to disable a missing index or one whose live definition differs from the entry', () => {
    expect(disabledEntryProblem({ name: 'idx_c', state: 'disabled', table: table([]) })).toMatch(/does not exist/);
    const other = table([live('idx_c', ['customer'])]);
    expect(disabledEntryProblem({ name: 'idx_c', state: 'disabled', desired, table: other })).toMatch(
      /another definition .*make it present with the new definition first/,
    );
    expect(disabledEntryProblem({ name: 'idx_c', state: 'disabled', table: other })).toBeNull();
  });

  it('says why a replace is needed', () => {
    const invalid = diffIndex({
      name: 'idx_c',
      state: 'present',
      desired,
      table: table([live('idx_c', ['customer', 'status'], { valid: false })]),
    });
    expect(invalid.reason).toMatch(/INVALID/);
    const differs = diffIndex({
      name: 'idx_c',
      state: 'present',
      desired,
      table: table([live('idx_c', ['customer'])]),
    });
    expect(differs.reason).toBe('definition differs: btree (customer) → btree (customer, status)');
  });
});

describe('redundancyWarnings', () => {
  const desired = new Index(definition('idx_new', ['customer', 'status']));
  it('names a duplicate', () => {
    const [warning] = redundancyWarnings(desired, table([live('old_same', ['customer', 'status'])]));
    expect(warning).toMatch(/duplicates existing index "old_same"/);
  });
  it('names the longer index the new one is a prefix of', () => {
    const [warning] = redundancyWarnings(desired, table([live('wide', ['customer', 'status', 'posting_date'])]));
    expect(warning).toMatch(/left prefix of existing index "wide"/);
  });
  it('names an existing index the new one makes redundant, and its constraint', () => {
    const warnings = redundancyWarnings(desired, table([live('by_customer', ['customer'], { constraint: null })]));
    expect(warnings).toEqual([expect.stringMatching(/existing index "by_customer" becomes redundant/)]);
  });
  it('ignores unrelated, invalid and same-name indexes', () => {
    const warnings = redundancyWarnings(
      desired,
      table([live('other', ['status']), live('broken', ['customer'], { valid: false }), live('idx_new', ['customer'])]),
    );
    expect(warnings).toEqual([]);
  });
});

describe('redundancyWarnings with indexes the plan drops', () => {
  it('does not warn about an index the same plan drops', () => {
    const desired = new Index(definition('idx_new', ['customer', 'status']));
    const liveTable = table([live('legacy', ['customer'])]);
    expect(redundancyWarnings(desired, liveTable)).toHaveLength(1);
    expect(redundancyWarnings(desired, liveTable, new Set(['legacy']))).toEqual([]);
  });
});
