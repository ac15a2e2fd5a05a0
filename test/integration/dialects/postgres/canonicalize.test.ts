import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDialect } from '../../../../src/dialects/postgres/dialect.js';
import type { Dialect } from '../../../../src/dialects/types.js';
import { Index, type IndexDefinition } from '../../../../src/model/index-model.js';
import type { LiveIndex } from '../../../../src/model/schema.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../../support/databases.js';

function desired(definition: Partial<IndexDefinition> & Pick<IndexDefinition, 'name' | 'keyParts'>): Index {
  return new Index({ schema: 'public', table: 'invoices', unique: false, method: 'btree', include: [], ...definition });
}

describe.each(testServersOf('postgres'))('postgres canonicalize on $label', (server) => {
  let test: TestDatabase;
  let dialect: Dialect;
  let live: Map<string, LiveIndex>;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    dialect = createPostgresDialect(test.db.server);
    await test.exec(
      'CREATE TABLE invoices (id int PRIMARY KEY, status text, email varchar(200), customer int, total numeric, tags text[])',
    );
    await test.exec("CREATE INDEX live_partial ON invoices (customer) WHERE status <> 'Cancelled'");
    await test.exec('CREATE INDEX live_lower ON invoices (lower(email))');
    await test.exec('CREATE INDEX live_sum ON invoices ((total * 2) DESC, customer)');
    const schema = await dialect.introspect(test.db, [{ schema: 'public', name: 'invoices' }]);
    live = new Map(schema.tables.get('public.invoices')!.indexes.map((index) => [index.name, index]));
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('gives plan text the server form, so it compares equal to the live index', async () => {
    const plans = [
      desired({ name: 'live_partial', keyParts: [{ column: 'customer', order: 'asc' }], where: "status<>'Cancelled'" }),
      desired({ name: 'live_lower', keyParts: [{ expression: 'lower(email)', order: 'asc' }] }),
      desired({
        name: 'live_sum',
        keyParts: [
          { expression: 'total*2', order: 'desc' },
          { column: 'customer', order: 'asc' },
        ],
      }),
    ];
    expect(plans.filter((plan) => plan.equals(live.get(plan.name)!)).map((plan) => plan.name)).toEqual([]);
    const results = await dialect.canonicalize(test.db, plans, 5_000);
    const canonical = results.map((result) => ('index' in result ? result.index : result.error));
    expect(canonical.map((index) => (index instanceof Index ? index.name : index))).toEqual(plans.map((p) => p.name));
    for (const index of canonical as Index[]) expect(index.equals(live.get(index.name)!)).toBe(true);
    expect((canonical[0] as Index).where).toBe("(status <> 'Cancelled'::text)");
    expect((canonical[1] as Index).keyParts[0]?.expression).toBe('lower((email)::text)');
  });

  it('reports a differing predicate as different, and returns the server message for what it refuses', async () => {
    const results = await dialect.canonicalize(
      test.db,
      [
        desired({ name: 'live_partial', keyParts: [{ column: 'customer', order: 'asc' }], where: "status <> 'Paid'" }),
        desired({ name: 'bad_gin', method: 'gin', keyParts: [{ column: 'customer', order: 'asc' }] }),
        desired({ name: 'bad_expression', keyParts: [{ expression: 'lower(no_such_column)', order: 'asc' }] }),
        desired({ name: 'good_gin', method: 'gin', keyParts: [{ column: 'tags', order: 'asc' }] }),
        desired({ name: 'missing_table', table: 'no_such_table', keyParts: [{ column: 'id', order: 'asc' }] }),
      ],
      5_000,
    );
    expect('index' in results[0]! && results[0].index.equivalent(live.get('live_partial')!)).toBe(false);
    expect(results[1]).toEqual({ error: 'data type integer has no default operator class for access method "gin"' });
    expect(results[2]).toEqual({ error: 'column "no_such_column" does not exist' });
    expect('index' in results[3]! && results[3].index.method).toBe('gin');
    expect(results[4]).toEqual({ error: 'relation "public.no_such_table" does not exist' });
  });

  it('leaves nothing behind and keeps the statement count bounded', async () => {
    const before = test.db.queryCount;
    const many = Array.from({ length: 10 }, (_, i) =>
      desired({ name: `many_${i}`, keyParts: [{ expression: `lower(email) || '${i}'`, order: 'asc' }] }),
    );
    const results = await dialect.canonicalize(test.db, many, 5_000);
    expect(results.filter((result) => !('index' in result))).toEqual([]);
    // one statement per round trip: session open + BEGIN + SET LOCAL + (SAVEPOINT, statement, RELEASE)
    // for the temp table and for each of the 10 indexes + oid lookup + read back + ROLLBACK: constant per index
    expect(test.db.queryCount - before).toBeLessThanOrEqual(3 * many.length + 10);
    const leftovers = await test.exec("select count(*)::int as n from pg_class where relname like 'si_canon%'");
    expect(leftovers[0]?.n).toBe(0);
  });
});
