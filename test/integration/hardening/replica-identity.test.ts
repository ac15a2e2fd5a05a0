import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPlan, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { schemaDump } from '../apply/cli.js';

/** The indexes of `accounts` that carry the replica identity or the CLUSTER mark, with their definitions. */
async function marked(test: TestDatabase): Promise<{ replident: string[]; clustered: string[] }> {
  const rows = await test.exec(
    `select i.indisreplident as replident, i.indisclustered as clustered, pg_get_indexdef(i.indexrelid) as def
       from pg_index i where i.indrelid = 'accounts'::regclass order by 3`,
  );
  return {
    replident: rows.filter((row) => row.replident).map((row) => String(row.def)),
    clustered: rows.filter((row) => row.clustered).map((row) => String(row.def)),
  };
}

/** An UPDATE and a DELETE on the published table: they fail when it has no usable replica identity. */
async function writeRows(test: TestDatabase): Promise<void> {
  await test.exec("update accounts set note = 'touched' where id = 1");
  await test.exec('delete from accounts where id = 3');
  await test.exec("insert into accounts values (3, 'c@x', 3, null)");
}

const entry = (body: string) => `settings:\n  lock_timeout: 2s\n  max_retries: 1\nindexes:\n${body}`;

describe.each(testServersOf('postgres'))('replica identity and CLUSTER indexes on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-replident-'));
    await test.exec('create table accounts (id int primary key, email text not null, region int not null, note text)');
    await test.exec("insert into accounts values (1, 'a@x', 1, null), (2, 'b@x', 2, null), (3, 'c@x', 3, null)");
    await test.exec('create unique index idx_accounts_email on accounts (email)');
    await test.exec('alter table accounts replica identity using index idx_accounts_email');
    await test.exec('create index idx_accounts_region on accounts (region)');
    await test.exec('cluster accounts using idx_accounts_region');
    // CREATE PUBLICATION warns when wal_level is not logical, but the table is published all the same
    await test.exec('create publication pub_accounts for table accounts');
    await test.exec('create publication pub_all_accounts for table accounts');
    // the state tables exist before the first dump, so before and after compare the same objects
    expect((await runCli(['history', '--url', test.url])).exitCode).toBe(0);
  });
  afterEach(async () => {
    await test?.drop();
  });

  /**
   * Applies the replace of `idx_accounts_email` into (email, region) and rolls it back: the replica
   * identity follows the index both ways, the table takes writes after each, and the schema ends as `before`.
   */
  async function expectIdentityCarried(file: string, before: string): Promise<void> {
    const applied = await applyPlan(file, test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await marked(test)).replident).toEqual([
      'CREATE UNIQUE INDEX idx_accounts_email ON public.accounts USING btree (email, region)',
    ]);
    await writeRows(test);
    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect((await marked(test)).replident).toEqual([
      'CREATE UNIQUE INDEX idx_accounts_email ON public.accounts USING btree (email)',
    ]);
    await writeRows(test);
    expect(await schemaDump(test)).toBe(before);
  }

  it('plan and apply refuse to drop the replica-identity index, naming it and the publications', async () => {
    const file = await writePlan(entry('  - name: idx_accounts_email\n    table: accounts\n    state: absent\n'));
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(1);
    const [error] = JSON.parse(planned.stdout).errors;
    expect(error).toMatchObject({ code: 'replica_identity_index', index: 'idx_accounts_email', file, line: 5 });
    expect(error.message).toMatch(/idx_accounts_email/);
    expect(error.message).toMatch(/pub_accounts, pub_all_accounts/);
    const applied = await applyPlan(file, test.url, dir);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toMatch(/replica identity/);
    expect((await marked(test)).replident).toEqual([
      'CREATE UNIQUE INDEX idx_accounts_email ON public.accounts USING btree (email)',
    ]);
    await writeRows(test);

    // without a publication the refusal still stands: logical decoding of the table needs its identity
    await test.exec('drop publication pub_accounts, pub_all_accounts');
    const unpublished = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(unpublished.exitCode).toBe(1);
    const [alone] = JSON.parse(unpublished.stdout).errors;
    expect(alone.code).toBe('replica_identity_index');
    expect(alone.message).toMatch(/REPLICA IDENTITY/);
    expect(alone.message).not.toMatch(/publication/);
  });

  it('a saved plan made before the index became the replica identity is refused as drifted', async () => {
    await test.exec('create unique index idx_accounts_code on accounts (id, region)');
    const file = await writePlan(entry('  - name: idx_accounts_code\n    table: accounts\n    state: absent\n'));
    const saved = path.join(dir, 'plan.json');
    const planned = await runCli(['plan', file, '--url', test.url, '--out', saved]);
    expect(planned.exitCode, planned.stderr).toBe(2);
    await test.exec('alter table accounts replica identity using index idx_accounts_code');
    const applied = await applyPlan(saved, test.url, dir, '--format', 'json');
    expect(applied.exitCode).toBe(1);
    expect(JSON.stringify(JSON.parse(applied.stdout).errors)).toMatch(/saved_plan_drift/);
    expect(applied.stdout).toMatch(/REPLICA IDENTITY/);
    expect((await marked(test)).replident).toEqual([
      'CREATE UNIQUE INDEX idx_accounts_code ON public.accounts USING btree (id, region)',
    ]);
  });

  it('a replace carries the replica identity to the new index, and rollback carries it back', async () => {
    const before = await schemaDump(test);
    const file = await writePlan(
      entry('  - name: idx_accounts_email\n    table: accounts\n    columns: [email, region]\n    unique: true\n'),
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const [change] = JSON.parse(planned.stdout).changes;
    expect(change.action).toBe('replace');
    expect(change.sql).toContain(
      'ALTER TABLE "public"."accounts" REPLICA IDENTITY USING INDEX "idx_accounts_email_si_new"',
    );
    expect(change.rollback).toContain(
      'ALTER TABLE "public"."accounts" REPLICA IDENTITY USING INDEX "idx_accounts_email_si_new"',
    );

    await expectIdentityCarried(file, before);
  });

  it('finishing a replace interrupted before the identity moved carries it, and rollback carries it back', async () => {
    const before = await schemaDump(test);
    // what a run killed right after the build leaves: the replacement, valid, without the identity
    await test.exec('create unique index idx_accounts_email_si_new on accounts (email, region)');
    const file = await writePlan(
      entry('  - name: idx_accounts_email\n    table: accounts\n    columns: [email, region]\n    unique: true\n'),
    );
    await expectIdentityCarried(file, before);
  });

  it('a leftover replacement that holds the replica identity is not dropped: plan says how to move it', async () => {
    // what a rollback of a replace killed after it moved the identity leaves: the old definition rebuilt
    // under the temporary name, holding the identity, beside the applied new index
    await test.exec('drop index idx_accounts_email');
    await test.exec('create unique index idx_accounts_email_si_new on accounts (email)');
    await test.exec('alter table accounts replica identity using index idx_accounts_email_si_new');
    await test.exec('create unique index idx_accounts_email on accounts (email, region)');
    const file = await writePlan(
      entry('  - name: idx_accounts_email\n    table: accounts\n    columns: [email, region]\n    unique: true\n'),
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode).toBe(1);
    const [error] = JSON.parse(planned.stdout).errors;
    expect(error).toMatchObject({ code: 'replica_identity_index', index: 'idx_accounts_email' });
    expect(error.message).toMatch(/"idx_accounts_email_si_new" is the REPLICA IDENTITY/);
    expect(error.message).toMatch(/pub_accounts/);
    const applied = await applyPlan(file, test.url, dir);
    expect(applied.exitCode).toBe(1);
    expect((await marked(test)).replident).toEqual([
      'CREATE UNIQUE INDEX idx_accounts_email_si_new ON public.accounts USING btree (email)',
    ]);
    await writeRows(test);
  });

  it('a replace into a definition that cannot be a replica identity is refused at plan', async () => {
    const file = await writePlan(
      entry('  - name: idx_accounts_email\n    table: accounts\n    columns: [email, note]\n'),
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode).toBe(1);
    const [error] = JSON.parse(planned.stdout).errors;
    expect(error.code).toBe('replica_identity_index');
    expect(error.message).toMatch(/not unique/);
    expect(error.message).toMatch(/pub_accounts/);
  });

  it('dropping the CLUSTER index warns; the rollback marks the rebuilt index again', async () => {
    const before = await schemaDump(test);
    const file = await writePlan(entry('  - name: idx_accounts_region\n    table: accounts\n    state: absent\n'));
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const [change] = JSON.parse(planned.stdout).changes;
    expect(change.action).toBe('drop');
    expect(change.warnings.join('\n')).toMatch(/CLUSTER/);
    expect(change.rollback).toContain('ALTER TABLE "public"."accounts" CLUSTER ON "idx_accounts_region"');

    const applied = await applyPlan(file, test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await marked(test)).clustered).toEqual([]);
    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect((await marked(test)).clustered).toEqual([
      'CREATE INDEX idx_accounts_region ON public.accounts USING btree (region)',
    ]);
    expect(await schemaDump(test)).toBe(before);
  });

  it('a replace carries the CLUSTER mark, and rollback puts it back on the old definition', async () => {
    const before = await schemaDump(test);
    const file = await writePlan(
      entry('  - name: idx_accounts_region\n    table: accounts\n    columns: [region, id]\n'),
    );
    const applied = await applyPlan(file, test.url, dir);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect((await marked(test)).clustered).toEqual([
      'CREATE INDEX idx_accounts_region ON public.accounts USING btree (region, id)',
    ]);
    // CLUSTER without USING needs the mark
    await test.exec('cluster accounts');
    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect((await marked(test)).clustered).toEqual([
      'CREATE INDEX idx_accounts_region ON public.accounts USING btree (region)',
    ]);
    await test.exec('cluster accounts');
    expect(await schemaDump(test)).toBe(before);
  });
});

describe.each(testServersOf('postgres'))('replica identity on a partitioned table on $label', (server) => {
  let test: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-replident-parts-'));
    await test.exec('create table events (id int not null, kind int not null) partition by range (id)');
    await test.exec('create table events_1 partition of events for values from (0) to (100)');
    await test.exec('insert into events select g, g % 3 from generate_series(1, 50) g');
    await test.exec('create unique index idx_events_id on events (id)');
    await test.exec('alter table events replica identity using index idx_events_id');
    await test.exec('create publication pub_events for table events');
  });
  afterEach(async () => {
    await test?.drop();
  });

  /** Which indexes of the parent and its partition carry the replica identity, by definition. */
  async function identities(): Promise<string[]> {
    const rows = await test.exec(
      `select pg_get_indexdef(i.indexrelid) as def from pg_index i
        where i.indrelid in ('events'::regclass, 'events_1'::regclass) and i.indisreplident order by 1`,
    );
    return rows.map((row) => String(row.def));
  }

  it("a replace carries the parent's identity; one whose partition index is an identity is refused", async () => {
    const before = await schemaDump(test);
    const file = await writePlan(
      entry('  - name: idx_events_id\n    table: events\n    columns: [id, kind]\n    unique: true\n'),
    );
    const applied = await applyPlan(file, test.url, dir, '--allow-blocking');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await identities()).toEqual([
      'CREATE UNIQUE INDEX idx_events_id ON ONLY public.events USING btree (id, kind)',
    ]);
    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect(await identities()).toEqual(['CREATE UNIQUE INDEX idx_events_id ON ONLY public.events USING btree (id)']);
    expect(await schemaDump(test)).toBe(before);

    // the partition's own identity: UPDATE on the partition uses it, and the replace would lose it
    const [child] = await test.exec(
      "select c.relname as name from pg_inherits h join pg_class c on c.oid = h.inhrelid where h.inhparent = 'idx_events_id'::regclass",
    );
    await test.exec(`alter table events_1 replica identity using index "${child?.name}"`);
    for (const body of [
      '  - name: idx_events_id\n    table: events\n    state: absent\n',
      '  - name: idx_events_id\n    table: events\n    columns: [id, kind]\n    unique: true\n',
    ]) {
      const planned = await runCli(['plan', await writePlan(entry(body)), '--url', test.url, '--format', 'json']);
      expect(planned.exitCode).toBe(1);
      const [error] = JSON.parse(planned.stdout).errors;
      expect(error.code).toBe('replica_identity_index');
      expect(error.message).toContain(`"${child?.name}" of partition "events_1"`);
    }
    await test.exec('update events set kind = kind + 1 where id = 1');
  });
});
