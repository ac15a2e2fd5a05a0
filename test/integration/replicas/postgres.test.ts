import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { runCli } from '../../support/cli.js';
import { writePlan } from '../../support/plans.js';
import {
  inDatabase,
  postgresPair,
  postgresPairMissing,
  until,
  waitedSeconds,
  withinHalfOf,
} from '../../support/replicas.js';

/**
 * The lag gate against a real PostgreSQL primary with a streaming standby (scripts/ensure-replicas.sh,
 * 5442/5443, cluster_name si_standby): a standby whose replay is paused is never within the bound, whether
 * given by URL or only found in pg_stat_replication. One file: the tests pause the shared standby's replay.
 */
const missing = postgresPairMissing();
if (missing) console.warn(missing);

interface ApplyDoc {
  status: string;
  errors: { code: string; message: string }[];
  changes: { index: string; status: string; replicas?: { target: string; max_lag_ms: number | null }[] }[];
  replicas: { target: string; max_lag_ms: number | null }[];
}

describe.skipIf(missing !== null)('PostgreSQL standby lag gate', () => {
  const name = `si_repl_${randomBytes(4).toString('hex')}`;
  const primaryUrl = inDatabase(postgresPair.primaryUrl, name);
  const standbyUrl = inDatabase(postgresPair.replicaUrl, name);
  const discovered = 'si_standby@127.0.0.1';
  let primary: Database;
  let standby: Database;
  let dir: string;

  const indexes = async (table: string) =>
    (
      await primary.query<{ n: string }>(
        `select indexname as n from pg_indexes where tablename = '${table}' order by 1`,
      )
    ).map((r) => r.n);
  /** Waits until the standby has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const [{ lsn }] = (await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')) as [
      { lsn: string },
    ];
    const [row] = await until(
      () => standby.query<{ ok: boolean }>(`select pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn as ok`),
      (rows) => rows[0]?.ok === true,
    );
    expect(row?.ok).toBe(true);
  };
  const apply = (file: string, ...extra: string[]) =>
    runCli(['apply', file, '--url', primaryUrl, '--yes', '--rollback-dir', dir, '--format', 'json', ...extra]);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'si-repl-'));
    const admin = await openDatabase(targetFromUrl(postgresPair.primaryUrl));
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.close();
    }
    primary = await openDatabase(targetFromUrl(primaryUrl));
    await primary.query('create table items (id int primary key, a int, b int)');
    await primary.query('insert into items select g, g % 100, g % 7 from generate_series(1, 20000) g');
    // the database reaches the standby through the WAL
    const standbyAdmin = await openDatabase(targetFromUrl(postgresPair.replicaUrl));
    try {
      await until(
        () => standbyAdmin.query<{ n: string }>(`select count(*) as n from pg_database where datname = '${name}'`),
        (rows) => Number(rows[0]?.n) === 1,
      );
    } finally {
      await standbyAdmin.close();
    }
    standby = await openDatabase(targetFromUrl(standbyUrl));
    await caughtUp();
  });

  afterAll(async () => {
    await standby?.query('select pg_wal_replay_resume()').catch(() => {});
    await standby?.close();
    await primary?.close();
    const admin = await openDatabase(targetFromUrl(postgresPair.primaryUrl));
    try {
      await admin.query(`drop database if exists ${name} with (force)`);
    } finally {
      await admin.close();
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('the pair streams: the standby is in recovery and the primary lists it in pg_stat_replication', async () => {
    const [recovery] = await standby.query<{ r: boolean }>('select pg_is_in_recovery() as r');
    expect(recovery!.r).toBe(true);
    const senders = await primary.query<{ application_name: string; state: string }>(
      'select application_name, state from pg_stat_replication',
    );
    expect(senders).toContainEqual({ application_name: 'si_standby', state: 'streaming' });
    const [count] = await standby.query<{ n: string }>('select count(*) as n from items');
    expect(Number(count!.n)).toBe(20000);
  });

  it('plan finds the standby on the primary, and names it by its URL when given', async () => {
    const file = await writePlan('indexes:\n  - name: idx_items_a\n    table: items\n    columns: [a]\n');
    const found = JSON.parse((await runCli(['plan', file, '--url', primaryUrl, '--format', 'json'])).stdout);
    expect(found.replicas).toEqual([{ target: discovered, lag_ms: expect.any(Number), state: 'streaming' }]);
    const given = JSON.parse(
      (await runCli(['plan', file, '--url', primaryUrl, '--replica', standbyUrl, '--format', 'json'])).stdout,
    );
    expect(given.replicas).toEqual([{ target: standbyUrl, lag_ms: expect.any(Number), state: 'streaming' }]);
  });

  it('with replay paused on the standby and writes on the primary, apply waits, fails naming the standby; resumed, it succeeds', async () => {
    const file = await writePlan('indexes:\n  - name: idx_items_a\n    table: items\n    columns: [a]\n');
    await standby.query('select pg_wal_replay_pause()');
    try {
      await primary.query('insert into items select g, g % 100, g % 7 from generate_series(20001, 30000) g');
      const planned = JSON.parse(
        (await runCli(['plan', file, '--url', primaryUrl, '--replica', standbyUrl, '--format', 'json'])).stdout,
      );
      expect(planned.replicas).toEqual([{ target: standbyUrl, lag_ms: expect.anything(), state: 'paused' }]);
      const out = await apply(file, '--replica', standbyUrl, '--max-replica-lag', '1s', '--replica-wait', '3s');
      expect(out.exitCode).toBe(1);
      const doc = JSON.parse(out.stdout) as ApplyDoc;
      expect(doc.status).toBe('failed');
      expect(doc.errors.map((e) => e.code)).toEqual(['replica_lag']);
      expect(doc.errors[0]!.message).toContain(standbyUrl);
      expect(doc.errors[0]!.message).toContain('WAL replay paused');
      expect(doc.changes.map((c) => c.status)).toEqual(['not_run']);
      expect(out.stderr).toContain('waiting for replicas before create idx_items_a on items (at most 3s)');
      // it waited --replica-wait, and then stopped: the tool's own count of its wait, not the ten-minute
      // default (which would also outlast the test's timeout)
      expect(waitedSeconds(doc.errors[0]!.message)).toBeGreaterThanOrEqual(3);
      expect(waitedSeconds(doc.errors[0]!.message)).toBeLessThan(60);
      expect(await indexes('items')).toEqual(['items_pkey']);
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    const out = await apply(file, '--replica', standbyUrl, '--max-replica-lag', '1s', '--replica-wait', '1m');
    expect(out.exitCode, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout) as ApplyDoc;
    expect(doc.status).toBe('applied');
    expect(doc.replicas).toEqual([{ target: standbyUrl, max_lag_ms: expect.any(Number) }]);
    expect(doc.changes[0]!.replicas).toEqual([{ target: standbyUrl, max_lag_ms: expect.any(Number) }]);
    expect(await indexes('items')).toEqual(['idx_items_a', 'items_pkey']);
    // the run ended only once the standby had replayed the build
    const [onStandby] = await standby.query<{ n: string }>(
      "select count(*) as n from pg_indexes where indexname = 'idx_items_a'",
    );
    expect(Number(onStandby!.n)).toBe(1);
  });

  it('a login without pg_monitor: apply fails at once, not after --replica-wait, naming what it could not read and GRANT pg_monitor TO it; granted, it applies', async () => {
    // the login owns its own database (so its table and the tool's tables), and is neither superuser nor in pg_monitor
    const login = `si_nomon_${randomBytes(4).toString('hex')}`;
    const database = `${name}_nomon`;
    const admin = await openDatabase(targetFromUrl(postgresPair.primaryUrl));
    try {
      await admin.query(`create role ${login} login`);
      await admin.query(`create database ${database} owner ${login}`);
      const asLogin = (url: string) => {
        const at = new URL(inDatabase(url, database));
        at.username = login;
        return at.toString();
      };
      const owned = await openDatabase(targetFromUrl(asLogin(postgresPair.primaryUrl)));
      try {
        await owned.query('create table orders (id int primary key, customer int)');
      } finally {
        await owned.close();
      }
      await caughtUp(); // the role and the database reach the standby through the WAL
      const file = await writePlan(
        'indexes:\n  - name: idx_orders_customer\n    table: orders\n    columns: [customer]\n',
      );
      const applyAsLogin = (plan: string, wait: string, ...extra: string[]) =>
        runCli([
          'apply',
          plan,
          '--url',
          asLogin(postgresPair.primaryUrl),
          '--yes',
          '--rollback-dir',
          dir,
          '--format',
          'json',
          '--replica-wait',
          wait,
          ...extra,
        ]);
      const run = (wait: string, ...extra: string[]) => applyAsLogin(file, wait, ...extra);
      const grant = `GRANT pg_monitor TO ${login}`;

      // waiting cannot help (only a grant can): with a long --replica-wait the gate still fails at its first
      // reading, so the apply ends well before half of that wait
      const longWait = '5m';
      const longWaitMs = 300_000;
      const atOnce = (message: string) => {
        expect(message).toContain('waiting cannot change that (only a grant can)');
        expect(message).toContain(`instead of waiting up to 5m00s (--replica-wait)`);
      };

      // found on the primary: pg_stat_replication shows this login the WAL sender's pid and name, the rest NULL
      const foundRun = await withinHalfOf(longWaitMs, run(longWait));
      expect(foundRun.ms, 'still waiting after half of --replica-wait').toBeLessThan(longWaitMs / 2);
      const found = foundRun.result!;
      expect(found.exitCode, found.stderr).toBe(1);
      const foundDoc = JSON.parse(found.stdout) as ApplyDoc;
      expect(foundDoc.errors.map((e) => e.code)).toEqual(['replica_lag']);
      expect(foundDoc.errors[0]!.message).toContain('replica si_standby (address not readable): ');
      expect(foundDoc.errors[0]!.message).toContain(
        'state, replay_lsn, replay_lag, client_addr of pg_stat_replication',
      );
      expect(foundDoc.errors[0]!.message).toContain(grant);
      atOnce(foundDoc.errors[0]!.message);
      expect(found.stderr).not.toContain('waiting for replicas');
      expect(foundDoc.changes.map((c) => c.status)).toEqual(['not_run']);

      // given by URL: the standby's pg_stat_wal_receiver hides its status from this login (not "not running")
      const standbyAsLogin = asLogin(postgresPair.replicaUrl);
      const givenRun = await withinHalfOf(longWaitMs, run(longWait, '--replica', standbyAsLogin));
      expect(givenRun.ms, 'still waiting after half of --replica-wait').toBeLessThan(longWaitMs / 2);
      const given = givenRun.result!;
      expect(given.exitCode, given.stderr).toBe(1);
      const givenDoc = JSON.parse(given.stdout) as ApplyDoc;
      expect(givenDoc.errors.map((e) => e.code)).toEqual(['replica_lag']);
      expect(givenDoc.errors[0]!.message).toContain(standbyAsLogin);
      expect(givenDoc.errors[0]!.message).toContain('status, conninfo of pg_stat_wal_receiver');
      expect(givenDoc.errors[0]!.message).toContain(grant);
      expect(givenDoc.errors[0]!.message).not.toContain('WAL receiver not running');
      atOnce(givenDoc.errors[0]!.message);
      expect(givenDoc.changes.map((c) => c.status)).toEqual(['not_run']);

      // the grant the message names is the one that was missing
      await admin.query(grant);
      const granted = await run('1m', '--replica', standbyAsLogin);
      expect(granted.exitCode, granted.stdout).toBe(0);
      expect((JSON.parse(granted.stdout) as ApplyDoc).status).toBe('applied');

      // in the middle of a wait it is the same: with the standby's replay paused the gate before the next step
      // waits on a standby it can read (behind); pg_monitor revoked meanwhile, the next reading fails it at once
      const next = await writePlan(
        'indexes:\n  - name: idx_orders_customer\n    table: orders\n    columns: [customer]\n' +
          '  - name: idx_orders_id_customer\n    table: orders\n    columns: [id, customer]\n',
      );
      const state = await openDatabase(targetFromUrl(inDatabase(postgresPair.primaryUrl, database)));
      const runs = async () =>
        Number((await state.query<{ n: string }>('select count(*) as n from safe_index_runs'))[0]!.n);
      const before = await runs();
      await standby.query('select pg_wal_replay_pause()');
      try {
        const started = Date.now();
        const pending = applyAsLogin(next, longWait);
        // the run is recorded before the gate's first wait; then a few readings (500 ms apart) go by
        await until(runs, (n) => n > before);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        await admin.query(`REVOKE pg_monitor FROM ${login}`);
        const { result: revoked } = await withinHalfOf(longWaitMs, pending);
        expect(Date.now() - started, 'still waiting after half of --replica-wait').toBeLessThan(longWaitMs / 2);
        expect(revoked!.exitCode, revoked!.stderr).toBe(1);
        // it was waiting on the readable standby when the grant went
        expect(revoked!.stderr).toContain('waiting for replicas before create idx_orders_id_customer');
        const revokedDoc = JSON.parse(revoked!.stdout) as ApplyDoc;
        expect(revokedDoc.errors.map((e) => e.code)).toEqual(['replica_lag']);
        expect(revokedDoc.errors[0]!.message).toContain(grant);
        atOnce(revokedDoc.errors[0]!.message);
        expect(revokedDoc.changes.find((c) => c.index === 'idx_orders_id_customer')?.status).toBe('not_run');
      } finally {
        await standby.query('select pg_wal_replay_resume()');
        await state.close();
      }
      await caughtUp();
    } finally {
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.query(`drop role if exists ${login}`);
      await admin.close();
    }
  }, 240_000); // above the half of --replica-wait 5m that withinHalfOf waits for a gate that does wait

  it('a standby found only on the primary whose replay stands still keeps the next step from starting', async () => {
    const file = await writePlan('indexes:\n  - name: idx_items_b\n    table: items\n    columns: [b]\n');
    await standby.query('select pg_wal_replay_pause()');
    try {
      await primary.query('insert into items select g, g % 100, g % 7 from generate_series(30001, 35000) g');
      const out = await apply(file, '--max-replica-lag', '1s', '--replica-wait', '3s');
      expect(out.exitCode).toBe(1);
      const doc = JSON.parse(out.stdout) as ApplyDoc;
      expect(doc.errors.map((e) => e.code)).toEqual(['replica_lag']);
      expect(doc.errors[0]!.message).toContain(discovered);
      expect(doc.errors[0]!.message).toMatch(/still replaying the previous step|lag .* > max_replica_lag/);
      expect(doc.replicas.map((r) => r.target)).toEqual([discovered]);
      expect(await indexes('items')).not.toContain('idx_items_b');
    } finally {
      await standby.query('select pg_wal_replay_resume()');
    }
    await caughtUp();
    const out = await apply(file, '--max-replica-lag', '1s', '--replica-wait', '1m');
    expect(out.exitCode, out.stderr).toBe(0);
    expect(await indexes('items')).toContain('idx_items_b');
  });
});
