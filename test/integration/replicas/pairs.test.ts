import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { mariadbPair, mariadbPairMissing, postgresPair, postgresPairMissing } from '../../support/replicas.js';

/** The replication pairs of scripts/ensure-replicas.sh replicate for real (the replica tests rely on it). */
async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

const myMissing = mariadbPairMissing();
if (myMissing) console.warn(myMissing);
describe.skipIf(myMissing !== null)('MariaDB primary/replica pair', () => {
  it('replays on the replica what the primary writes, and reports itself as a replica', async () => {
    const primary = await openDatabase(targetFromUrl(mariadbPair.primaryUrl));
    const replica = await openDatabase(targetFromUrl(mariadbPair.replicaUrl));
    const name = `si_pair_${randomBytes(4).toString('hex')}`;
    try {
      const [binlog] = await primary.query<{ v: number }>('select @@log_bin as v');
      expect(Number(binlog!.v)).toBe(1);
      await primary.query(`create database ${name}`);
      await primary.query(`create table ${name}.t (id int primary key)`);
      await primary.query(`insert into ${name}.t values (1), (2), (3)`);
      const rows = await until(
        () =>
          replica
            .query<{ n: number }>(`select count(*) as n from information_schema.tables where table_schema = '${name}'`)
            .then(async (r) =>
              Number(r[0]!.n) === 1
                ? (await replica.query<{ n: number }>(`select count(*) as n from ${name}.t`))[0]!.n
                : 0,
            ),
        (n) => Number(n) === 3,
      );
      expect(Number(rows)).toBe(3);
      const [status] = await replica.query<Record<string, unknown>>('SHOW SLAVE STATUS');
      expect(status?.Slave_SQL_Running).toBe('Yes');
      expect(status?.Slave_IO_Running).toBe('Yes');
    } finally {
      await primary.query(`drop database if exists ${name}`);
      await primary.close();
      await replica.close();
    }
  });
});

const pgMissing = postgresPairMissing();
if (pgMissing) console.warn(pgMissing);
describe.skipIf(pgMissing !== null)('PostgreSQL primary/standby pair', () => {
  it('streams to a standby in recovery, visible in pg_stat_replication', async () => {
    const primary = await openDatabase(targetFromUrl(postgresPair.primaryUrl));
    const standby = await openDatabase(targetFromUrl(postgresPair.replicaUrl));
    const table = `si_pair_${randomBytes(4).toString('hex')}`;
    try {
      const [recovery] = await standby.query<{ r: boolean }>('select pg_is_in_recovery() as r');
      expect(recovery!.r).toBe(true);
      const senders = await primary.query<{ application_name: string; state: string }>(
        'select application_name, state from pg_stat_replication',
      );
      expect(senders).toContainEqual({ application_name: 'si_standby', state: 'streaming' });
      await primary.query(`create table ${table} as select g as id from generate_series(1, 100) g`);
      const n = await until(
        () => standby.query<{ n: string }>(`select count(*) as n from pg_tables where tablename = '${table}'`),
        (r) => Number(r[0]!.n) === 1,
      );
      expect(Number(n[0]!.n)).toBe(1);
    } finally {
      await primary.query(`drop table if exists ${table}`);
      await primary.close();
      await standby.close();
    }
  });
});
