import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/connection/database.js';
import { dialectOf } from '../../../src/dialects/index.js';
import { applyPrepared } from '../../../src/executor/apply-plans.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { createOrders, indexesOf } from '../executor/steps.js';

/** The database, with the label of every dedicated connection it opens and every pooled one it borrows counted. */
function recording(db: Database) {
  const sessions: string[] = [];
  let borrowed = 0;
  const wrapped: Database = {
    ...db,
    server: db.server,
    target: db.target,
    knex: db.knex,
    query: db.query,
    queryCount: 0,
    session: (label) => {
      sessions.push(label ?? '');
      return db.session(label);
    },
    borrow: (work) => {
      borrowed += 1;
      return db.borrow(work);
    },
  };
  return { db: wrapped, sessions, borrowed: () => borrowed };
}

describe.each(testServers())('the connections one apply opens, on $label', (server) => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    await createOrders(test, 1000);
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('the run lock, the DDL session and the monitor; canonicalization borrows a pooled one on PostgreSQL', async () => {
    const file = await writePlan(
      'indexes:\n  - name: idx_orders_cs\n    table: orders\n    columns: [customer, status]\n',
    );
    const plan = await loadPlans([file]);
    const rec = recording(test.db);
    const dialect = dialectOf(test.db);
    const { result } = await applyPrepared(
      rec.db,
      {
        waitMs: 0,
        rollbackDir: await mkdtemp(path.join(tmpdir(), 'si-connections-')),
        allowBlocking: false,
        blockers: 'wait',
        rollbackOnFailure: true,
      },
      plan,
      async () => ({ report: await buildPlan(rec.db, dialect, plan) }),
    );
    expect(result.errors).toEqual([]);
    expect(result.status).toBe('applied');
    expect((await indexesOf(test)).map((index) => index.name)).toContain('idx_orders_cs');
    // the DDL and monitor connections open side by side: their order is not fixed
    const opened = [...rec.sessions].sort();
    if (server.dialect === 'postgres') {
      expect(opened).toEqual(['ddl', 'monitor', 'run lock']);
      expect(rec.borrowed()).toBe(1);
    } else {
      // MySQL/MariaDB canonicalize on a session of their own (temporary tables outlive a rollback),
      // and probe what the server accepts online in a scratch schema
      expect(opened).toEqual(['capability probe', 'ddl', 'monitor', 'plan', 'run lock']);
      expect(rec.borrowed()).toBe(0);
    }
  });
});
