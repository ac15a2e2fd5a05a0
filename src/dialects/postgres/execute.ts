import { createHash } from 'node:crypto';
import type { ServerInfo } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';
import {
  type BuildProgress,
  blockerMinAgeS,
  blockersOfRows,
  type ClassifiedFailure,
  type DdlSessionOptions,
  type DialectExecutor,
  duplicateKeyRemedy,
  type LockWait,
  type OrphanCheck,
} from '../executor-types.js';
import { driverError } from '../shared/driver-error.js';
import { connectionLost, lockWaitTimedOut } from '../shared/messages.js';
import { waitUntilGone } from '../shared/orphan.js';
import { postgresFeatures } from './version.js';

// The run lock is one session-level advisory lock per database; its 64-bit key comes from a constant.
const lockKey = createHash('sha256').update('safe-index run lock').digest().readBigInt64BE(0);
const lockKeyHigh = Number((BigInt.asUintN(64, lockKey) >> 32n) & 0xffffffffn);
const lockKeyLow = Number(BigInt.asUintN(64, lockKey) & 0xffffffffn);

/** How long `stopOrphan` waits for a terminated backend to leave pg_stat_activity. */
const orphanGoneMs = 5_000;

function classifyPostgres(error: unknown): ClassifiedFailure {
  const pg = driverError(error);
  const message = pg.message;
  switch (pg.code) {
    case '55P03':
      return { kind: 'lock_timeout', message: lockWaitTimedOut(message) };
    case '40P01':
      return { kind: 'lock_timeout', message: `deadlock: ${message}` };
    case '57014':
      return { kind: 'canceled', message };
    case '57P01':
    case '57P02':
    case '57P03':
      return { kind: 'connection_lost', message: `the connection was terminated: ${message}` };
    case '23505': {
      const key = /Key \((.*)\)=\((.*)\)/.exec(pg.detail ?? '');
      const which = key ? `duplicate key (${key[1]})=(${key[2]})` : (pg.detail ?? 'rows share a key');
      return {
        kind: 'duplicate_key',
        message: `${message}: ${which}`,
        remedy: duplicateKeyRemedy,
      };
    }
    case '54000':
      return {
        kind: 'key_too_long',
        message,
        remedy: 'index fewer or shorter columns, or index an expression such as md5(column)',
      };
    default:
      if (
        !pg.code &&
        /Connection terminated|ECONNRESET|EPIPE|not queryable|Client has encountered a connection error/i.test(message)
      ) {
        return { kind: 'connection_lost', message: connectionLost(message) };
      }
      return { kind: 'statement_failed', message: pg.detail ? `${message} (${pg.detail})` : message };
  }
}

/** PostgreSQL execution: session timeouts, advisory lock, INVALID-index cleanup, progress views. */
export function createPostgresExecutor(server: ServerInfo): DialectExecutor {
  return {
    ddlSessionSql(options: DdlSessionOptions): string[] {
      // with `wait`, the monitor bounds table-lock waits (lock timeout) and CIC's waits for old
      // transactions (snapshot wait); the session keeps a backstop a little beyond both, so a lost
      // monitor never leaves a wait unbounded
      const backstop = (options.snapshotWaitMs ?? 600_000) + options.lockTimeoutMs + 5_000;
      const lockTimeout = Math.max(1, Math.round(options.blockers === 'wait' ? backstop : options.lockTimeoutMs));
      // a role's or database's statement_timeout / idle_in_transaction_session_timeout must not kill a long build
      const statements = [
        `SET lock_timeout = ${lockTimeout}`,
        'SET statement_timeout = 0',
        'SET idle_in_transaction_session_timeout = 0',
      ];
      // a killed client must not leave its build running on: the server checks the socket every second
      if (postgresFeatures(server).clientConnectionCheck)
        statements.push('SET client_connection_check_interval = 1000');
      return statements;
    },
    monitorEnforcesLockTimeout: (options) => options.blockers === 'wait',
    // CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY wait for every older snapshot in the database
    waitsForSnapshots: (sql) => /^\s*(CREATE\s+(UNIQUE\s+)?INDEX|REINDEX)\b[^;]*\bCONCURRENTLY\b/i.test(sql),
    async holdsRunLock(session) {
      try {
        const [row] = await session.query<{ held: boolean }>(
          `select exists (select 1 from pg_locks where pid = pg_backend_pid() and locktype = 'advisory' and granted
                            and classid = ?::oid and objid = ?::oid and objsubid = 1) as held`,
          [lockKeyHigh, lockKeyLow],
        );
        return row?.held === true;
      } catch {
        return false;
      }
    },
    async tryRunLock(session) {
      const [row] = await session.query<{ ok: boolean }>('select pg_try_advisory_lock(?::bigint) as ok', [
        lockKey.toString(),
      ]);
      return row?.ok === true;
    },
    async releaseRunLock(session) {
      await session.query('select pg_advisory_unlock(?::bigint)', [lockKey.toString()]);
    },
    async runLockHolder(db) {
      const [row] = await db.query<{ pid: number }>(
        `select l.pid from pg_locks l join pg_database d on d.oid = l.database
          where l.locktype = 'advisory' and l.granted and d.datname = current_database()
            and l.classid = ?::oid and l.objid = ?::oid and l.objsubid = 1`,
        [lockKeyHigh, lockKeyLow],
      );
      return row ? Number(row.pid) : null;
    },
    async stopOrphan(db, orphan: OrphanCheck) {
      const rows = await db.query<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where pid = ? and datname = current_database() and left(query, 1000) = left(?, 1000)`,
        [orphan.connectionId, orphan.statement],
      );
      if (!rows[0]?.ok) return false;
      await waitUntilGone(async () => {
        const left = await db.query('select 1 from pg_stat_activity where pid = ?', [orphan.connectionId]);
        return left.length > 0;
      }, orphanGoneMs);
      return true;
    },
    async invalidIndexes(db, table: TableRef) {
      const rows = await db.query<{ name: string }>(
        `select c.relname as name from pg_index i
           join pg_class c on c.oid = i.indexrelid
           join pg_class t on t.oid = i.indrelid
           join pg_namespace n on n.oid = t.relnamespace
          where n.nspname = ? and t.relname = ? and not i.indisvalid`,
        [table.schema, table.name],
      );
      return rows.map((row) => row.name);
    },
    async dropInvalidIndexes(session, table, names) {
      for (const name of names) {
        const [row] = await session.query<{ sql: string }>(
          `select format('DROP INDEX CONCURRENTLY IF EXISTS %I.%I', ?::text, ?::text) as sql`,
          [table.schema, name],
        );
        if (row) await session.query(row.sql);
      }
    },
    // loaded when a rollback runs: the check parses with libpg-query
    checkStoredRollback: async (db, step, statement) =>
      (await import('./stored-rollback.js')).checkPostgresStoredRollback(db, step, statement),
    classify: classifyPostgres,
    async progress(monitor, id): Promise<BuildProgress | null> {
      const [row] = await monitor.query<Record<string, string | number | null>>(
        `select phase, blocks_total, blocks_done, tuples_total, tuples_done, lockers_total, lockers_done
           from pg_stat_progress_create_index where pid = ?`,
        [id],
      );
      if (!row) return null;
      const ratio = (done: unknown, total: unknown) =>
        Number(total) > 0 ? Math.min(100, Math.max(0, (100 * Number(done)) / Number(total))) : undefined;
      const phase = String(row.phase);
      // waiting phases count the transactions waited for, not the work done on the index
      if (/waiting/.test(phase)) {
        const detail =
          Number(row.lockers_total) > 0 ? `${row.lockers_done}/${row.lockers_total} transactions gone` : undefined;
        return { phase, ...(detail ? { detail } : {}) };
      }
      const percent = ratio(row.blocks_done, row.blocks_total) ?? ratio(row.tuples_done, row.tuples_total);
      const detail =
        Number(row.tuples_total) > 0 ? `${row.tuples_done}/${row.tuples_total} tuples` : `${row.blocks_done} blocks`;
      return { phase, percent, detail };
    },
    async lockWait(monitor, id): Promise<LockWait | null> {
      const [row] = await monitor.query<{ locktype: string; blockers: string[] }>(
        `select l.locktype, array(
            select format('pid %s (%s, %s, transaction open %s): %s', b.pid, b.usename,
                          coalesce(nullif(b.application_name, ''), '-'),
                          coalesce(date_trunc('second', now() - b.xact_start)::text, '-'),
                          left(regexp_replace(b.query, '\\s+', ' ', 'g'), 80))
              from pg_stat_activity b where b.pid = any(pg_blocking_pids(l.pid))) as blockers
           from pg_locks l where l.pid = ? and not l.granted limit 1`,
        [id],
      );
      if (!row) return null;
      const kind = row.locktype === 'virtualxid' || row.locktype === 'transactionid' ? 'blockers' : 'table';
      return { kind, blockers: row.blockers ?? [] };
    },
    async walPosition(db) {
      const [row] = await db.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      return row?.lsn ?? null;
    },
    async walBytes(db, from, to) {
      const [row] = await db.query<{ n: string }>('select pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::bigint as n', [
        to,
        from,
      ]);
      return Number(row?.n ?? 0);
    },
    async indexBytes(db, table, index) {
      // a partitioned index has no storage of its own: its partitions' indexes are summed
      const [row] = await db.query<{ n: string | null }>(
        `select coalesce(sum(pg_relation_size(c.oid)), 0)::bigint as n from pg_class c
          where c.oid in (select i.oid from pg_class i join pg_namespace n on n.oid = i.relnamespace
                           where n.nspname = ? and i.relname = ?
                          union all select inhrelid from pg_inherits
                           where inhparent = (select i.oid from pg_class i join pg_namespace n on n.oid = i.relnamespace
                                               where n.nspname = ? and i.relname = ?))`,
        [table.schema, index, table.schema, index],
      );
      return row?.n == null ? null : Number(row.n);
    },
    async cancelStatement(monitor, id) {
      const rows = await monitor.query<{ ok: boolean }>('select pg_cancel_backend(?::int) as ok', [id]);
      return rows[0]?.ok === true;
    },
    async blockers(db, tables, own, minAgeS = blockerMinAgeS) {
      // transactions and snapshots a concurrent build waits for anywhere in the database (not another
      // database's), prepared transactions, and holders of a lock on the table that conflicts with
      // SHARE UPDATE EXCLUSIVE (another build, autovacuum, an explicit LOCK TABLE, DDL)
      const rows = await db.query(
        `with tables as (
           select c.oid from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where (n.nspname, c.relname) in (select * from unnest(?::text[], ?::text[]))),
         activity as (
           select a.pid, a.usename as user, coalesce(a.application_name, '') as application,
                  coalesce(a.state, a.backend_type) as state,
                  extract(epoch from clock_timestamp() - coalesce(a.xact_start, a.query_start)) as age_s,
                  left(regexp_replace(coalesce(a.query, ''), 's+', ' ', 'g'), 200) as query,
                  a.backend_xid, a.backend_xmin, a.backend_type, a.datname
             from pg_stat_activity a where a.pid <> pg_backend_pid())
         select pid, "user", application, state, age_s, query, 'snapshot' as kind from activity
          where datname = current_database() and backend_type = 'client backend'
            and (backend_xid is not null or backend_xmin is not null) and age_s >= ?
         union all
         select a.pid, a."user", a.application, a.state, a.age_s, a.query, 'lock' from activity a
          where exists (select 1 from pg_locks l where l.pid = a.pid and l.granted and l.locktype = 'relation'
                          and l.relation in (select oid from tables)
                          and l.mode in ('ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
                                         'ExclusiveLock', 'AccessExclusiveLock'))
         union all
         select 0, p.owner, 'prepared transaction ' || p.gid, 'prepared',
                extract(epoch from clock_timestamp() - p.prepared), '', 'snapshot'
           from pg_prepared_xacts p where p.database = current_database()`,
        [tables.map((t) => t.schema), tables.map((t) => t.name), minAgeS],
      );
      return blockersOfRows(rows, own);
    },
    async cancelTableLockWait(monitor, id) {
      const rows = await monitor.query<{ ok: boolean }>(
        `select pg_cancel_backend(pid) as ok from pg_locks
          where pid = ? and not granted and locktype not in ('virtualxid', 'transactionid') limit 1`,
        [id],
      );
      return rows[0]?.ok === true;
    },
  };
}
