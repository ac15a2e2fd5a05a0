import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDialect } from '../../../src/dialects/index.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { buildPlan } from '../../../src/planner/plan.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { recording } from '../../support/recording.js';

describe.each(testServers())('what an in-sync plan sends on $label', (server) => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int, b varchar(40))');
    await test.exec('create index t_a on t (a)');
    await test.exec('create index t_b on t (b)');
    if (server.dialect === 'postgres') await test.exec('create index t_lower_b on t (lower(b))');
  });
  afterAll(async () => {
    await test?.drop();
  });

  const plan = async (yaml: string) => {
    const rec = recording(test.db);
    const report = await buildPlan(rec.db, createDialect(test.db.server), await loadPlans([await writePlan(yaml)]));
    return { report, statements: rec.statements, sessions: rec.sessions.length, borrowed: rec.borrowed() };
  };

  it('builds no scratch copy for an entry written exactly as its live index reads', async () => {
    const { report, statements, sessions, borrowed } = await plan(
      'indexes:\n  - name: t_a\n    table: t\n    columns: [a]\n  - name: t_b\n    table: t\n    columns: [b]\n',
    );
    expect(report.errors).toEqual([]);
    expect(report.changes.map((change) => change.action)).toEqual(['noop', 'noop']);
    expect(sessions).toBe(0);
    expect(borrowed).toBe(0);
    expect(statements.filter((sql) => /temp/i.test(sql))).toEqual([]);
  });

  it('still asks the server for an entry that differs from its live index', async () => {
    const { report, sessions, borrowed, statements } = await plan(
      'indexes:\n  - name: t_a\n    table: t\n    columns: [a, b]\n',
    );
    expect(report.errors).toEqual([]);
    expect(report.changes.map((change) => change.action)).toEqual(['replace']);
    // MySQL/MariaDB: the canonicalization session (its temporary tables outlive a rollback) and the
    // capability probe's for the pending change; PostgreSQL canonicalizes in one rolled-back
    // transaction on a pooled connection, no new connection
    expect(sessions).toBe(server.dialect === 'mysql' ? 2 : 0);
    expect(borrowed).toBe(server.dialect === 'mysql' ? 0 : 1);
    if (server.dialect === 'postgres') {
      expect(statements.filter((sql) => /^(BEGIN|ROLLBACK)$/.test(sql))).toEqual(['BEGIN', 'ROLLBACK']);
    }
    expect(report.probe?.status).toBe(server.dialect === 'mysql' ? 'ran' : undefined);
  });

  it.runIf(server.dialect === 'postgres')(
    'an entry written otherwise than the server prints it is canonicalized, and in sync',
    async () => {
      const { report, sessions, borrowed } = await plan(
        'indexes:\n  - name: t_lower_b\n    table: t\n    columns: [{expression: "LOWER(b)"}]\n',
      );
      expect(report.errors).toEqual([]);
      expect(report.changes.map((change) => change.action)).toEqual(['noop']);
      expect(sessions).toBe(0);
      expect(borrowed).toBe(1);
    },
  );
});
