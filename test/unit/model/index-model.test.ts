import { describe, expect, it } from 'vitest';
import { Index, type IndexDefinition, type KeyPart } from '../../../src/model/index-model.js';

const col = (column: string, order: 'asc' | 'desc' = 'asc'): KeyPart => ({ column, order });

function index(name: string, keyParts: KeyPart[], extra: Partial<IndexDefinition> = {}): Index {
  return new Index({
    schema: 'public',
    table: 't',
    name,
    unique: false,
    method: 'btree',
    keyParts,
    include: [],
    ...extra,
  });
}

describe('Index.equals / equivalent', () => {
  it('equivalent ignores the name; equals does not', () => {
    const a = index('a', [col('x'), col('y')]);
    const b = index('b', [col('x'), col('y')]);
    expect(a.equivalent(b)).toBe(true);
    expect(a.equals(b)).toBe(false);
    expect(a.equals(index('a', [col('x'), col('y')]))).toBe(true);
  });

  it.each<[string, Partial<IndexDefinition> | KeyPart[]]>([
    ['column order', [col('y'), col('x')]],
    ['direction', [col('x', 'desc'), col('y')]],
    ['uniqueness', { unique: true }],
    ['method', { method: 'hash' }],
    ['predicate', { where: "(status <> 'x'::text)" }],
    ['include', { include: ['z'] }],
    ['table', { table: 'other' }],
    ['prefix length', [{ column: 'x', order: 'asc', length: 10 }, col('y')]],
  ])('differs by %s', (_label, change) => {
    const base = index('a', [col('x'), col('y')]);
    const other = Array.isArray(change) ? index('a', change) : index('a', [col('x'), col('y')], change);
    expect(base.equivalent(other)).toBe(false);
  });

  it('treats default NULLS placement as equal to an explicit default', () => {
    const implicit = index('a', [{ column: 'x', order: 'desc' }]);
    const explicit = index('a', [{ column: 'x', order: 'desc', nulls: 'first' }]);
    expect(implicit.equivalent(explicit)).toBe(true);
    expect(implicit.equivalent(index('a', [{ column: 'x', order: 'desc', nulls: 'last' }]))).toBe(false);
  });
});

describe('Index.redundantTo', () => {
  const ab = index('ab', [col('a'), col('b')]);
  it.each<[string, Index, Index, boolean]>([
    ['left prefix', index('a', [col('a')]), ab, true],
    ['same key, other name', index('ab2', [col('a'), col('b')]), ab, true],
    ['not a prefix', index('b', [col('b')]), ab, false],
    ['longer than the other', ab, index('a', [col('a')]), false],
    ['single column ignores direction', index('a', [col('a', 'desc')]), ab, true],
    [
      'multi-column respects direction',
      index('x', [col('a'), col('b', 'desc')]),
      index('y', [col('a'), col('b'), col('c')]),
      false,
    ],
    ['unique prefix is not redundant to a longer key', index('ua', [col('a')], { unique: true }), ab, false],
    [
      'unique is redundant to a unique with the same key',
      index('u1', [col('a')], { unique: true }),
      index('u2', [col('a')], { unique: true }),
      true,
    ],
    [
      'non-unique is redundant to a unique with a longer key',
      index('a', [col('a')]),
      index('u', [col('a'), col('b')], { unique: true }),
      true,
    ],
    ['different predicate', index('a', [col('a')], { where: '(a > 0)' }), ab, false],
    [
      'gin is never judged redundant',
      index('g', [col('a')], { method: 'gin' }),
      index('g2', [col('a'), col('b')], { method: 'gin' }),
      false,
    ],
    ['include covered by the other key', index('a', [col('a')], { include: ['b'] }), ab, true],
    ['include not covered', index('a', [col('a')], { include: ['c'] }), ab, false],
    ['itself', ab, ab, false],
  ])('%s', (_label, candidate, other, expected) => {
    expect(candidate.redundantTo(other)).toBe(expected);
  });
});

describe('Index.describe', () => {
  it('reads like the definition', () => {
    const text = index('i', [col('a'), { expression: 'lower(b)', order: 'desc' }], {
      unique: true,
      include: ['c'],
      where: '(a > 0)',
    }).describe();
    expect(text).toBe('UNIQUE btree (a, (lower(b)) DESC) INCLUDE (c) WHERE (a > 0)');
  });
});
