import { createHash } from 'node:crypto';
import type { ServerInfo } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';
import {
  type BuildProgress,
  type ClassifiedFailure,
  type DdlSessionOptions,
  type DialectExecutor,
  duplicateKeyRemedy,
  type LockWait,
  type OrphanCheck,
} from '../executor-types.js';
import { checkPostgresStoredRollback } from './stored-rollback.js';

// The run lock is one session-level advisory lock per database; its 64-bit key comes from a constant.
const lockKey = createHash('sha256').update('safe-index run lock').digest().readBigInt64BE(0);
const lockKeyHigh = Number((BigInt.asUintN(64, lockKey) >> 32n) & 0xffffffffn);
const lockKeyLow = Number(BigInt.asUintN(64, lockKey) & 0xffffffffn);

interface PgError {
  code?: string;
  message?: string;
  detail?: string;
}

function classifyPostgres(error: unknown): ClassifiedFailure {
  const pg = (error ?? {}) as PgError;
  const message = pg.message ?? String(error);
  switch (pg.code) {
    case '55P03':
      return { kind: 'lock_timeout', message: `lock wait timed out: ${message}` };
    case '40P01':
      return { kind: 'lock_timeout', message: `deadlock: ${message}` };
    case '57014':
      return { kind: 'canceled', message };
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
      return { kind: 'other', message: pg.detail ? `${message} (${pg.detail})` : message };
  }
}

/** PostgreSQL execution: session timeouts, advisory lock, INVALID-index cleanup, progress views. */
export function createPostgresExecutor(server: ServerInfo): DialectExecutor {
  return {
    ddlSessionSql(options: DdlSessionOptions): string[] {
      // with `wait`, the monitor bounds table-lock waits and CIC's waits for old transactions run free
      const lockTimeout = options.blockers === 'wait' ? 0 : Math.max(1, Math.round(options.lockTimeoutMs));
      const statements = [`SET lock_timeout = ${lockTimeout}`, 'SET statement_timeout = 0'];
      // a killed client must not leave its build running on: the server checks the socket every second
      if (server.major >= 14) statements.push(`SET client_connection_check_interval = 1000`);
      return statements;
    },
    monitorEnforcesLockTimeout: (options) => options.blockers === 'wait',
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
      for (let i = 0; i < 50; i += 1) {
        const left = await db.query('select 1 from pg_stat_activity where pid = ?', [orphan.connectionId]);
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
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
    checkStoredRollback: checkPostgresStoredRollback,
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
