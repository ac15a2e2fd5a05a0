import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/connection/database.js';
import { dialectOf } from '../../../src/dialects/index.js';
import { applyPrepared } from '../../../src/executor/apply-plans.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { recording } from '../../support/recording.js';
import { createOrders, indexesOf } from '../executor/steps.js';

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

  it('a dedicated session opens with its name and lock timeout and sends one statement (its id) before its first own', async () => {
    const db = await openDatabase(test.db.target, { lockTimeoutMs: 4321 });
    try {
      const before = db.queryCount;
      const session = await db.session('probe');
      try {
        expect(db.queryCount - before).toBe(1);
        if (server.dialect === 'postgres') {
          // both from the start-up packet: no SET or set_config after connect
          const [row] = await session.query<{ name: string; timeout: string }>(
            "select current_setting('application_name') as name, current_setting('lock_timeout') as timeout",
          );
          expect(row).toEqual({ name: 'safe-index probe', timeout: '4321ms' });
        } else {
          const [row] = await session.query<{ timeout: number | string }>(
            'select @@session.lock_wait_timeout as timeout',
          );
          expect(Number(row?.timeout)).toBe(5);
        }
      } finally {
        await session.release();
      }
      // pooled connections carry the same lock timeout
      const [pooled] = await db.query<{ timeout: string | number }>(
        server.dialect === 'postgres'
          ? "select current_setting('lock_timeout') as timeout"
          : 'select @@session.lock_wait_timeout as timeout',
      );
      expect(String(pooled?.timeout)).toBe(server.dialect === 'postgres' ? '4321ms' : '5');
    } finally {
      await db.close();
    }
  });
});
