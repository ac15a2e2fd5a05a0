import { describe, expect, it } from 'vitest';
import { neededByForeignKeys, redundantTo } from '../../../src/diff/redundancy.js';
import { LiveIndex, type LiveTable } from '../../../src/model/schema.js';

function live(name: string, columns: string[], extra: { unique?: boolean; primary?: boolean } = {}) {
  return new LiveIndex(
    {
      schema: 's',
      table: 't',
      name,
      unique: extra.unique ?? extra.primary ?? false,
      method: 'btree',
      keyParts: columns.map((column) => ({ column, order: 'asc' as const })),
      include: [],
    },
    { valid: true, visible: true, constraint: extra.primary ? 'primary' : null, definition: name, partitioned: false },
  );
}

function table(indexes: LiveIndex[], clusteredPrimaryKey = false): LiveTable {
  const t: LiveTable = {
    schema: 's',
    name: 't',
    columns: [],
    indexes,
    estimatedRows: 0,
    totalBytes: 0,
    partitioned: false,
  };
  if (clusteredPrimaryKey) t.clusteredPrimaryKey = true;
  return t;
}

describe('redundantTo (usage)', () => {
  const pk = live('PRIMARY', ['id'], { primary: true });
  it('a left prefix is redundant to the longer index, which may be unique', () => {
    const a = live('a', ['x']);
    const ab = live('ab', ['x', 'y'], { unique: true });
    expect(redundantTo(a, table([pk, a, ab]))).toEqual(['ab']);
    expect(redundantTo(ab, table([pk, a, ab]))).toEqual([]);
  });
  it('a PRIMARY or UNIQUE key is never the redundant one', () => {
    const u = live('u', ['x'], { unique: true });
    const u2 = live('u2', ['x'], { unique: true });
    expect(redundantTo(u, table([u, u2]))).toEqual([]);
    expect(redundantTo(pk, table([pk, live('id2', ['id', 'x'])]))).toEqual([]);
  });
  it('of two exact duplicates only the later name is redundant', () => {
    const a = live('a_idx', ['x']);
    const b = live('b_idx', ['x']);
    expect(redundantTo(a, table([a, b]))).toEqual([]);
    expect(redundantTo(b, table([a, b]))).toEqual(['a_idx']);
  });
  it('on InnoDB a key that ends with the primary key duplicates the key without it', () => {
    const x = live('x', ['x']);
    const xid = live('x_id', ['x', 'id']);
    expect(redundantTo(xid, table([pk, x, xid], true))).toEqual(['x']);
    expect(redundantTo(x, table([pk, x, xid], true))).toEqual([]);
    // without a clustered primary key the shorter one is the prefix
    expect(redundantTo(x, table([pk, x, xid]))).toEqual(['x_id']);
    expect(redundantTo(xid, table([pk, x, xid]))).toEqual([]);
  });
});

describe('neededByForeignKeys', () => {
  it('names a foreign key for which this is the only index starting with its columns', () => {
    const a = live('a', ['customer_id']);
    const ab = live('ab', ['customer_id', 'created']);
    const fk = [{ name: 'fk_customer', columns: ['customer_id'] }];
    expect(neededByForeignKeys(a, table([a]), fk)).toEqual(['fk_customer']);
    expect(neededByForeignKeys(a, table([a, ab]), fk)).toEqual([]);
  });
});
