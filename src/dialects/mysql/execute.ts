import { createHash } from 'node:crypto';
import type { ServerInfo, Session } from '../../connection/database.js';
import { drivers } from '../../connection/drivers.js';
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
  type Queryable,
} from '../executor-types.js';
import { driverError } from '../shared/driver-error.js';
import { connectionLost, lockWaitTimedOut } from '../shared/messages.js';
import { waitUntilGone } from '../shared/orphan.js';
import { flavorFeatures } from './flavor.js';

/** ER_SPECIFIC_ACCESS_DENIED_ERROR: the statement needs a privilege such as PROCESS. */
const specificAccessDenied = 1227;

/** How long `stopOrphan` waits for a killed session to leave the process list. */
const orphanGoneMs = 10_000;

const notOnline: Omit<ClassifiedFailure, 'message'> = {
  kind: 'not_online',
  remedy: 'the server cannot do this change online; use --allow-blocking only if blocking writes is acceptable',
};

const remedies: Record<number, Omit<ClassifiedFailure, 'message'>> = {
  1062: { kind: 'duplicate_key', remedy: duplicateKeyRemedy },
  1205: { kind: 'lock_timeout', remedy: 'find the long transaction holding the table and retry' },
  1213: { kind: 'lock_timeout', remedy: 'retry' },
  1799: {
    kind: 'online_log_overflow',
    remedy: 'raise innodb_online_alter_log_max_size or apply when the table receives fewer writes',
  },
  1845: notOnline,
  1846: notOnline,
  1857: notOnline,
  3178: { kind: 'not_online', remedy: 'index a stored generated column instead of a virtual one' },
  1071: { kind: 'key_too_long', remedy: 'use a prefix `length:` on long string columns or index fewer columns' },
  1070: { kind: 'key_too_long', remedy: 'an index may have at most 16 key parts' },
  1317: { kind: 'canceled' },
  // the connection was killed (KILL) or lost
  1927: { kind: 'connection_lost' },
  2013: { kind: 'connection_lost' },
  3024: { kind: 'canceled' },
  // MariaDB: max_statement_time exceeded
  1969: { kind: 'canceled' },
};

function classifyMysql(error: unknown): ClassifiedFailure {
  const my = driverError(error);
  const message = my.message;
  if (
    my.errno === undefined &&
    /PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|closed state/i.test(`${my.code} ${message}`)
  ) {
    return { kind: 'connection_lost', message: connectionLost(message) };
  }
  const known = my.errno === undefined ? undefined : remedies[my.errno];
  if (!known) return { kind: 'statement_failed', message: my.errno ? `${message} (error ${my.errno})` : message };
  const text =
    known.kind === 'duplicate_key'
      ? `duplicate key: ${message}`
      : known.kind === 'lock_timeout'
        ? lockWaitTimedOut(message)
        : `${message} (error ${my.errno})`;
  return { ...known, message: text };
}

/**
 * The GET_LOCK name: per database, since user locks are server-wide. The server compares lock names
 * without case and allows at most 64 characters, while database names are case-sensitive (on Linux) and
 * up to 64 characters themselves: so the name carries a hash of the exact database name (distinct
 * databases never share a lock) after a readable head of it (for a DBA reading `is_used_lock`).
 */
export function runLockName(database: string): string {
  const head = [...database].slice(0, 12).join('');
  return `safe_index:${head}:${createHash('sha256').update(database, 'utf8').digest('hex').slice(0, 32)}`;
}

/** MySQL: the current performance_schema stage of the connection, with WORK_COMPLETED / WORK_ESTIMATED. */
async function stageProgress(monitor: Session, id: number): Promise<BuildProgress | null> {
  try {
    const [row] = await monitor.query<{ event_name: string; done: number | null; estimated: number | null }>(
      `select s.event_name, s.work_completed as done, s.work_estimated as estimated
         from performance_schema.events_stages_current s
         join performance_schema.threads t on t.thread_id = s.thread_id
        where t.processlist_id = ?`,
      [id],
    );
    if (!row) return null;
    const percent = Number(row.estimated) > 0 ? (100 * Number(row.done)) / Number(row.estimated) : undefined;
    return { phase: row.event_name.replace(/^stage\/\w+\//, ''), percent };
  } catch {
    return null;
  }
}

/** MySQL: the connection's state in the process list (`altering table`, a lock wait), without a percentage. */
async function threadState(monitor: Session, id: number): Promise<BuildProgress | null> {
  const [row] = await monitor.query<{ state: string | null }>(
    'select state from information_schema.processlist where id = ?',
    [id],
  );
  return row?.state ? { phase: row.state } : null;
}

/**
 * MySQL 8+: the sessions holding a granted metadata lock on one of the tables, from performance_schema
 * (age: their transaction's, else their statement's); null where performance_schema cannot say.
 */
async function metadataLockHolders(
  db: Queryable,
  tables: readonly TableRef[],
  minAgeS: number,
): Promise<Record<string, unknown>[] | null> {
  if (tables.length === 0) return [];
  try {
    const pairs = tables.map(() => '(?, ?)').join(', ');
    return await db.query(
      `select distinct t.PROCESSLIST_ID as pid, t.PROCESSLIST_USER as user, '' as application,
              coalesce(nullif(t.PROCESSLIST_STATE, ''), t.PROCESSLIST_COMMAND) as state,
              coalesce(timestampdiff(second, x.trx_started, now()), t.PROCESSLIST_TIME) as age_s,
              left(regexp_replace(coalesce(t.PROCESSLIST_INFO, x.trx_query, ''), '\\s+', ' '), 200) as query,
              'lock' as kind
         from performance_schema.metadata_locks m
         join performance_schema.threads t on t.THREAD_ID = m.OWNER_THREAD_ID
         left join information_schema.innodb_trx x on x.trx_mysql_thread_id = t.PROCESSLIST_ID
        where m.OBJECT_TYPE = 'TABLE' and m.LOCK_STATUS = 'GRANTED' and (m.OBJECT_SCHEMA, m.OBJECT_NAME) in (${pairs})
          and t.PROCESSLIST_ID is not null and t.PROCESSLIST_ID <> connection_id()
          and coalesce(timestampdiff(second, x.trx_started, now()), t.PROCESSLIST_TIME) >= ?`,
      [...tables.flatMap((table) => [table.schema, table.name]), minAgeS],
    );
  } catch {
    return null;
  }
}

/** MySQL/MariaDB execution: lock_wait_timeout, GET_LOCK, error classes, progress. */
export function createMysqlExecutor(server: ServerInfo): DialectExecutor {
  const lockName = runLockName(server.database);
  const features = flavorFeatures(server);
  return {
    ddlSessionSql(options: DdlSessionOptions): string[] {
      // it bounds the metadata-lock waits of the ALTER
      const statements = [drivers.mysql.lockTimeoutSql(options.lockTimeoutMs)];
      // a role- or server-level statement timeout must not cancel a long build
      const timeout = features.statementTimeout;
      if (timeout.appliesToDdl) statements.push(`SET SESSION ${timeout.variable} = 0`);
      return statements;
    },
    monitorEnforcesLockTimeout: () => false,
    // an ALTER waits only for metadata locks on its own table, bounded by lock_wait_timeout
    waitsForSnapshots: () => false,
    async holdsRunLock(session: Session) {
      try {
        const [row] = await session.query<{ held: number | null }>('select is_used_lock(?) = connection_id() as held', [
          lockName,
        ]);
        return Number(row?.held) === 1;
      } catch {
        return false;
      }
    },
    async tryRunLock(session: Session) {
      const [row] = await session.query<{ ok: number | null }>('select get_lock(?, 0) as ok', [lockName]);
      return Number(row?.ok) === 1;
    },
    async releaseRunLock(session: Session) {
      await session.query('select release_lock(?)', [lockName]);
    },
    async runLockHolder(db: Queryable) {
      const [row] = await db.query<{ id: number | null }>('select is_used_lock(?) as id', [lockName]);
      return row?.id == null ? null : Number(row.id);
    },
    async stopOrphan(db: Queryable, orphan: OrphanCheck) {
      const rows = await db.query('select id from information_schema.processlist where id = ? and info = ?', [
        orphan.connectionId,
        orphan.statement,
      ]);
      if (rows.length === 0) return false;
      await db.query('kill ?', [orphan.connectionId]);
      await waitUntilGone(async () => {
        const left = await db.query('select id from information_schema.processlist where id = ?', [
          orphan.connectionId,
        ]);
        return left.length > 0;
      }, orphanGoneMs);
      return true;
    },
    invalidIndexes: async () => [],
    dropInvalidIndexes: async () => {},
    // loaded when a rollback runs: the check parses with node-sql-parser
    checkStoredRollback: async (_db, step, statement) =>
      (await import('./stored-rollback.js')).checkMysqlStoredRollback(step, statement),
    classify: classifyMysql,
    async progress(monitor: Session, id: number): Promise<BuildProgress | null> {
      if (features.progressSource === 'processlist') {
        const [row] = await monitor.query<{ state: string | null; progress: number | string | null }>(
          'select state, progress from information_schema.processlist where id = ?',
          [id],
        );
        if (!row) return null;
        const percent = Number(row.progress);
        return { phase: row.state ?? 'running', percent: percent > 0 ? percent : undefined };
      }
      // the InnoDB stage with its work counters, where the events_stages_current consumer is on;
      // otherwise (MySQL's default) the thread state, which has no percentage
      return (await stageProgress(monitor, id)) ?? (await threadState(monitor, id));
    },
    async lockWait(monitor: Session, id: number): Promise<LockWait | null> {
      const [row] = await monitor.query<{ state: string | null }>(
        'select state from information_schema.processlist where id = ?',
        [id],
      );
      return row?.state && /metadata lock|lock wait/i.test(row.state) ? { kind: 'table', blockers: [] } : null;
    },
    // the server itself bounds metadata-lock waits with lock_wait_timeout
    cancelTableLockWait: async () => false,
    walPosition: async () => null,
    walBytes: async () => 0,
    async indexBytes(db: Queryable, table, index) {
      // InnoDB's persistent statistics (updated by the build): pages of the index times the page size
      try {
        const [row] = await db.query<{ n: number | string | null }>(
          `select stat_value * @@innodb_page_size as n from mysql.innodb_index_stats
            where database_name = ? and table_name = ? and index_name = ? and stat_name = 'size'`,
          [table.schema, table.name, index],
        );
        return row?.n == null ? null : Number(row.n);
      } catch {
        return null;
      }
    },
    async cancelStatement(monitor: Queryable, id: number) {
      await monitor.query('kill query ?', [id]);
      return true;
    },
    async blockers(db: Queryable, tables, own, minAgeS = blockerMinAgeS) {
      if (features.metadataLockHolders) {
        const holders = await metadataLockHolders(db, tables, minAgeS);
        if (holders) return blockersOfRows(holders, own);
      }
      // Without performance_schema the server cannot say which tables a transaction touched: every
      // open InnoDB transaction of a session in this database may hold the table's metadata lock that
      // the ALTER needs at its start and end, and so may a long query
      const processlist = `select p.id as pid, p.user as user, '' as application, coalesce(nullif(p.state, ''), p.command) as state,
                p.time as age_s, left(regexp_replace(coalesce(p.info, ''), '\\s+', ' '), 200) as query, 'lock' as kind
           from information_schema.processlist p
          where p.command = 'Query' and p.id <> connection_id() and p.db = database() and p.time >= ?`;
      const rows = await db
        .query(
          `select t.trx_mysql_thread_id as pid, p.user as user, '' as application,
                coalesce(nullif(p.state, ''), p.command, t.trx_state) as state,
                timestampdiff(second, t.trx_started, now()) as age_s,
                left(regexp_replace(coalesce(t.trx_query, p.info, ''), '\\s+', ' '), 200) as query, 'lock' as kind
           from information_schema.innodb_trx t
           left join information_schema.processlist p on p.id = t.trx_mysql_thread_id
          where t.trx_mysql_thread_id <> connection_id() and (p.db = database() or p.db is null)
            and t.trx_started <= now() - interval ? second
         union all
         ${processlist}`,
          [minAgeS, minAgeS],
        )
        .catch((error: unknown) => {
          // MySQL shows innodb_trx only with PROCESS (error 1227; MariaDB shows it to anyone): a login
          // without it, such as a read-only CI login, sees the sessions the processlist shows it
          if (driverError(error).errno !== specificAccessDenied) throw error;
          return db.query(processlist, [minAgeS]);
        });
      return blockersOfRows(rows, own);
    },
  };
}
