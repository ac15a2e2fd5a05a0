import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { applyPlan, runCli } from '../../support/cli.js';
import { indexNames } from '../../support/indexes.js';
import { writePlan } from '../../support/plans.js';
import {
  inDatabase,
  mariadbPair,
  mariadbPairMissing,
  until,
  waitedSeconds,
  withinHalfOf,
} from '../../support/replicas.js';

/**
 * The lag gate against a real MariaDB primary/replica pair (scripts/ensure-replicas.sh, 3316/3317):
 * stopped replication is never within the bound, and a second build waits until the replica has
 * replayed the first. One file: the tests stop and start the shared replica's threads, so they run in order.
 */
const missing = mariadbPairMissing();
if (missing) console.warn(missing);

const bin = new URL('../../../dist/cli/bin.js', import.meta.url).pathname;

describe.skipIf(missing !== null)('MariaDB replica lag gate', () => {
  const name = `si_repl_${randomBytes(4).toString('hex')}`;
  const primaryUrl = inDatabase(mariadbPair.primaryUrl, name);
  const replicaUrl = inDatabase(mariadbPair.replicaUrl, name);
  let primary: Database;
  let replica: Database;
  let dir: string;

  /** `apply <plan> --url <primary> --replica <replica> --yes --rollback-dir <dir> --max-replica-lag 1s`, then `extra`. */
  const applyGated = (plan: string, ...extra: string[]) =>
    applyPlan(plan, primaryUrl, dir, '--replica', replicaUrl, '--max-replica-lag', '1s', ...extra);
  const replicaStatus = async () => (await replica.query<Record<string, unknown>>('SHOW SLAVE STATUS'))[0] ?? {};
  const indexesOn = (db: Database, table: string) => indexNames(db, table, { schema: name });
  /** Waits until the replica has executed everything the primary has written so far. */
  const caughtUp = async () => {
    const [master] = await primary.query<{ File: string; Position: number }>('SHOW MASTER STATUS');
    const status = await until(
      replicaStatus,
      (s) => s.Relay_Master_Log_File === master!.File && Number(s.Exec_Master_Log_Pos) >= Number(master!.Position),
      60_000,
    );
    expect(Number(status.Exec_Master_Log_Pos)).toBeGreaterThanOrEqual(Number(master!.Position));
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'si-repl-'));
    const admin = await openDatabase(targetFromUrl(mariadbPair.primaryUrl));
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.close();
    }
    primary = await openDatabase(targetFromUrl(primaryUrl));
    replica = await openDatabase(targetFromUrl(mariadbPair.replicaUrl));
    await caughtUp();
  });

  afterAll(async () => {
    await replica?.query('START SLAVE').catch(() => {});
    await primary?.query(`drop database if exists ${name}`);
    await primary?.close();
    await replica?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the pair replicates: binary log on the primary, threads running on the replica', async () => {
    const [binlog] = await primary.query<{ v: number }>('select @@log_bin as v');
    expect(Number(binlog!.v)).toBe(1);
    await primary.query('create table probe (id int primary key)');
    await primary.query('insert into probe values (1), (2), (3)');
    await caughtUp();
    const [count] = await replica.query<{ n: number }>(`select count(*) as n from ${name}.probe`);
    expect(Number(count!.n)).toBe(3);
    const status = await replicaStatus();
    expect([status.Slave_IO_Running, status.Slave_SQL_Running]).toEqual(['Yes', 'Yes']);
  });

  it('plan shows the replica running with its lag, and a server that is not a replica as such', async () => {
    const file = await writePlan('indexes:\n  - name: idx_probe\n    table: probe\n    columns: [id]\n');
    const out = await runCli([
      'plan',
      file,
      '--url',
      primaryUrl,
      '--replica',
      replicaUrl,
      '--replica',
      mariadbPair.primaryUrl,
      '--format',
      'json',
    ]);
    const doc = JSON.parse(out.stdout) as { replicas: { target: string; lag_ms: number | null; state: string }[] };
    expect(doc.replicas).toEqual([
      { target: replicaUrl, lag_ms: 0, state: 'running' },
      { target: mariadbPair.primaryUrl, lag_ms: null, state: 'not_a_replica' },
    ]);
    const text = await runCli(['plan', file, '--url', primaryUrl, '--replica', replicaUrl]);
    expect(text.stdout).toContain(`${replicaUrl}: running, lag 0ms`);
  });

  it('with the SQL thread stopped, apply starts no build and fails after --replica-wait naming the replica', async () => {
    await primary.query('create table items (id int primary key, a int)');
    await primary.query('insert into items select seq, seq % 10 from seq_1_to_1000');
    await caughtUp();
    const file = await writePlan('indexes:\n  - name: idx_items_a\n    table: items\n    columns: [a]\n');
    await replica.query('STOP SLAVE SQL_THREAD');
    try {
      const planned = await runCli(['plan', file, '--url', primaryUrl, '--replica', replicaUrl, '--format', 'json']);
      expect(JSON.parse(planned.stdout).replicas).toEqual([{ target: replicaUrl, lag_ms: null, state: 'stopped' }]);
      const out = await applyGated(file, '--replica-wait', '3s', '--format', 'json');
      expect(out.exitCode).toBe(1);
      const doc = JSON.parse(out.stdout) as {
        status: string;
        errors: { code: string; message: string }[];
        changes: { index: string; status: string }[];
        replicas: { target: string; max_lag_ms: number | null }[];
      };
      expect(doc.status).toBe('failed');
      expect(doc.errors).toHaveLength(1);
      expect(doc.errors[0]!.code).toBe('replica_lag');
      expect(doc.errors[0]!.message).toContain(replicaUrl);
      expect(doc.errors[0]!.message).toContain('SQL thread not running');
      expect(doc.changes.map((c) => c.status)).toEqual(['not_run']);
      expect(doc.replicas).toEqual([{ target: replicaUrl, max_lag_ms: null }]);
      expect(out.stderr).toContain('waiting for replicas before create idx_items_a on items (at most 3s)');
      // it waited --replica-wait, and then stopped: the tool's own count of its wait, not the ten-minute
      // default (which would also outlast the test's timeout)
      expect(waitedSeconds(doc.errors[0]!.message)).toBeGreaterThanOrEqual(3);
      expect(waitedSeconds(doc.errors[0]!.message)).toBeLessThan(60);
      expect(await indexesOn(primary, 'items')).toEqual([]);
    } finally {
      await replica.query('START SLAVE SQL_THREAD');
    }
    // replication running again: the same apply goes through
    const again = await applyGated(file, '--replica-wait', '30s');
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await indexesOn(primary, 'items')).toEqual(['idx_items_a']);
  });

  it('a replica login without SLAVE MONITOR: apply fails at once, not after --replica-wait, naming the privilege; granted, it applies', async () => {
    // created on the primary, so the user and its grants reach the replica through the binary log
    const login = `si_nomon_${randomBytes(4).toString('hex')}`;
    await primary.query(`create user '${login}'@'%'`);
    try {
      await primary.query(`grant select on ${name}.* to '${login}'@'%'`);
      await primary.query('create table orders (id int primary key, customer int)');
      await caughtUp();
      const replicaAsLogin = (() => {
        const at = new URL(replicaUrl);
        at.username = login;
        return at.toString();
      })();
      const file = await writePlan(
        'indexes:\n  - name: idx_orders_customer\n    table: orders\n    columns: [customer]\n',
      );
      const longWaitMs = 300_000;
      const run = withinHalfOf(
        longWaitMs,
        applyPlan(file, primaryUrl, dir, '--replica', replicaAsLogin, '--replica-wait', '5m', '--format', 'json'),
      );
      const { result: out, ms } = await run;
      expect(ms, 'still waiting after half of --replica-wait').toBeLessThan(longWaitMs / 2);
      expect(out!.exitCode, out!.stderr).toBe(1);
      const doc = JSON.parse(out!.stdout) as {
        errors: { code: string; message: string }[];
        changes: { status: string }[];
      };
      expect(doc.errors.map((e) => e.code)).toEqual(['replica_lag']);
      const message = doc.errors[0]!.message;
      expect(message).toContain(`replica ${replicaAsLogin}: replication state not readable: Access denied`);
      expect(message).toContain('SLAVE MONITOR');
      expect(message).toContain('waiting cannot change that (only a grant can)');
      expect(message).toContain('instead of waiting up to 5m00s (--replica-wait)');
      expect(out!.stderr).not.toContain('waiting for replicas');
      expect(doc.changes.map((c) => c.status)).toEqual(['not_run']);
      expect(await indexesOn(primary, 'orders')).toEqual([]);

      // the privilege the server named is the one that was missing
      await primary.query(`grant slave monitor on *.* to '${login}'@'%'`);
      await caughtUp();
      const granted = await applyPlan(file, primaryUrl, dir, '--replica', replicaAsLogin, '--replica-wait', '1m');
      expect(granted.exitCode, granted.stderr).toBe(0);
      expect(await indexesOn(primary, 'orders')).toEqual(['idx_orders_customer']);
    } finally {
      await primary.query(`drop user if exists '${login}'@'%'`);
    }
  }, 240_000); // above the half of --replica-wait 5m that withinHalfOf waits for a gate that does wait

  it('a replica that accepts connections but never answers fails the wait in bounded time, and the process exits', async () => {
    const sockets: Socket[] = [];
    const hole: Server = createServer((socket) => {
      sockets.push(socket); // accept, never answer
    });
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const port = (hole.address() as { port: number }).port;
    try {
      const file = await writePlan('indexes:\n  - name: idx_probe_id\n    table: probe\n    columns: [id]\n');
      // a process that hangs on the silent replica is killed at execFile's timeout: no exit code 1, no report
      const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [
            bin,
            'apply',
            file,
            '--url',
            primaryUrl,
            '--replica',
            `mysql://root:hole-secret@127.0.0.1:${port}/x`,
            '--yes',
            '--rollback-dir',
            dir,
            '--replica-wait',
            '2s',
            '--format',
            'json',
          ],
          { timeout: 60_000 },
          (error, stdout) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
        );
      });
      expect(result.code).toBe(1);
      const doc = JSON.parse(result.stdout) as { errors: { code: string; message: string }[] };
      expect(doc.errors[0]!.code).toBe('replica_lag');
      expect(doc.errors[0]!.message).toContain(`mysql://root:***@127.0.0.1:${port}/x`);
      expect(doc.errors[0]!.message).toContain('unreachable');
      expect(result.stdout).not.toContain('hole-secret');
      expect(await indexesOn(primary, 'probe')).toEqual([]);
    } finally {
      for (const socket of sockets) socket.destroy();
      hole.close();
    }
  });

  it('two builds on a 1M-row table: the second starts only once the replica has replayed the first', async () => {
    await primary.query('create table big (id int primary key, a int, b int, c varchar(24))');
    await primary.query(
      "insert into big select seq, seq % 100000, (seq * 7919) % 1000003, concat('row-', seq) from seq_1_to_1000000",
    );
    await caughtUp();
    const file = await writePlan(
      'indexes:\n  - name: idx_big_a\n    table: big\n    columns: [a]\n  - name: idx_big_bc\n    table: big\n    columns: [b, c]\n',
    );
    /**
     * Watches from the side, every 100 ms: when the primary first runs the second build, and when the
     * replica first has the first index (it replays the build after the primary finished it).
     */
    const watch = () => {
      let stop = false;
      const seen = {
        secondStarted: null as number | null,
        replicaHasFirst: null as number | null,
        lagAtSecond: null as number | null,
      };
      const done = (async () => {
        while (!stop) {
          const now = Date.now();
          const running = await primary.query<{ info: string | null }>(
            // db = database(): the capability probe runs the same ALTER on an empty copy in its scratch
            // schema at the start of apply; only the build on the real table counts
            "select info from information_schema.processlist where info like 'ALTER TABLE%idx_big_bc%' and db = database()",
          );
          if (seen.secondStarted === null && running.length > 0) {
            seen.secondStarted = now;
            const status = await replicaStatus();
            seen.lagAtSecond = status.Seconds_Behind_Master === null ? null : Number(status.Seconds_Behind_Master);
          }
          if (seen.replicaHasFirst === null && (await indexesOn(replica, 'big')).includes('idx_big_a'))
            seen.replicaHasFirst = now;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      return {
        seen,
        stop: async () => {
          stop = true;
          await done;
        },
      };
    };

    // without the gate (no --replica) the second build starts while the replica still replays the first:
    // the watch can tell
    const ungated = watch();
    const plain = await applyPlan(file, primaryUrl, dir);
    await caughtUp();
    await ungated.stop();
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(ungated.seen.secondStarted).not.toBeNull();
    expect(ungated.seen.replicaHasFirst).not.toBeNull();
    expect(ungated.seen.secondStarted!).toBeLessThan(ungated.seen.replicaHasFirst!);
    const undo = await runCli([
      'rollback',
      '--url',
      primaryUrl,
      '--replica',
      replicaUrl,
      '--yes',
      '--replica-wait',
      '60s',
    ]);
    expect(undo.exitCode, undo.stderr).toBe(0);
    await caughtUp();
    expect(await indexesOn(replica, 'big')).toEqual([]);

    // with the gate: the second build waits for the replica
    const gated = watch();
    const out = await applyGated(file, '--replica-wait', '2m', '--format', 'json');
    await gated.stop();
    expect(out.exitCode, out.stderr).toBe(0);
    const doc = JSON.parse(out.stdout) as {
      status: string;
      changes: { index: string; status: string; replicas?: { target: string; max_lag_ms: number | null }[] }[];
      replicas: { target: string; max_lag_ms: number | null }[];
    };
    expect(doc.status).toBe('applied');
    expect(gated.seen.replicaHasFirst).not.toBeNull();
    expect(gated.seen.secondStarted).not.toBeNull();
    // both may be first seen in one 100 ms poll; the ungated run above shows the opposite order without the gate
    expect(gated.seen.replicaHasFirst!).toBeLessThanOrEqual(gated.seen.secondStarted!);
    expect(gated.seen.lagAtSecond).not.toBeNull();
    expect(gated.seen.lagAtSecond!).toBeLessThanOrEqual(1);
    // the gate compared replay positions (not lag alone, which reads 0 right after a build); whether it had to
    // wait depends on how fast the replica replayed, so the wait itself is not required here
    expect(out.stderr).not.toMatch(/cannot read the primary's replication position/);
    if (/waiting for replicas before create idx_big_bc/.test(out.stderr))
      expect(out.stderr).toMatch(
        /waiting for replicas before create idx_big_bc on big .*still replaying the previous step/,
      );
    // the report: per step and over the run, the largest lag the replica showed while it replayed the builds
    // (Seconds_Behind_Master has 1 s steps: a build under a second on a quiet machine shows 0)
    const first = doc.changes.find((c) => c.index === 'idx_big_a')!;
    expect(first.replicas).toEqual([{ target: replicaUrl, max_lag_ms: expect.any(Number) }]);
    expect(first.replicas![0]!.max_lag_ms!).toBeGreaterThanOrEqual(0);
    expect(doc.replicas).toEqual([{ target: replicaUrl, max_lag_ms: expect.any(Number) }]);
    expect(doc.replicas[0]!.max_lag_ms!).toBeGreaterThanOrEqual(first.replicas![0]!.max_lag_ms!);
    await caughtUp();
    expect(await indexesOn(replica, 'big')).toEqual(['idx_big_a', 'idx_big_bc']);
  });
});
