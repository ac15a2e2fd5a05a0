import { describe, expect, it } from 'vitest';
import { createMysqlExecutor } from '../../../src/dialects/mysql/execute.js';
import { createPostgresExecutor } from '../../../src/dialects/postgres/execute.js';
import { backoffMs } from '../../../src/executor/statements.js';

const server = (flavor: 'postgres' | 'mariadb', major: number) => ({
  dialect: flavor === 'postgres' ? ('postgres' as const) : ('mysql' as const),
  flavor,
  version: `${major}.0`,
  major,
  minor: 0,
  patch: 0,
  database: 'app',
  defaultSchema: 'public',
});

describe('backoff between lock-timeout retries', () => {
  it.each([
    [1, 0, 125],
    [1, 0.999, 375],
    [3, 0.5, 1000],
    [10, 0.5, 10_000],
  ])('attempt %i with jitter %f waits %i ms', (attempt, jitter, expected) => {
    expect(backoffMs(attempt, () => jitter)).toBe(Math.round(expected));
  });
});

describe('error classification', () => {
  const pg = createPostgresExecutor(server('postgres', 15));
  const maria = createMysqlExecutor(server('mariadb', 10));
  it.each([
    [{ code: '55P03', message: 'canceling statement due to lock timeout' }, 'lock_timeout'],
    [
      { code: '23505', message: 'could not create unique index "u"', detail: 'Key (email)=(a@b) is duplicated.' },
      'duplicate_key',
    ],
    [{ code: '57014', message: 'canceling statement due to user request' }, 'canceled'],
  ])('postgres %o is %s', (error, kind) => {
    expect(pg.classify(error).kind).toBe(kind);
  });
  it('names the duplicated key from the server detail', () => {
    const failure = pg.classify({ code: '23505', message: 'x', detail: 'Key (email)=(a@b) is duplicated.' });
    expect(failure.message).toContain('(email)=(a@b)');
  });
  it.each([
    [1062, 'duplicate_key'],
    [1205, 'lock_timeout'],
    [1799, 'online_log_overflow'],
    [1845, 'not_online'],
    [1846, 'not_online'],
    [1857, 'not_online'],
    [1071, 'key_too_long'],
    [9999, 'statement_failed'],
  ])('mysql error %i is %s, with a remedy when known', (errno, kind) => {
    const failure = maria.classify({ errno, sqlMessage: 'server says' });
    expect(failure.kind).toBe(kind);
    if (kind !== 'statement_failed') expect(failure.remedy).toMatch(/\w{3}/);
  });
  it('bounds metadata-lock waits in whole seconds, at least one', () => {
    expect(maria.ddlSessionSql({ lockTimeoutMs: 200, blockers: 'wait' })[0]).toBe('SET SESSION lock_wait_timeout = 1');
    expect(maria.ddlSessionSql({ lockTimeoutMs: 2500, blockers: 'wait' })[0]).toBe('SET SESSION lock_wait_timeout = 3');
    expect(pg.ddlSessionSql({ lockTimeoutMs: 2500, blockers: 'abort' })[0]).toBe('SET lock_timeout = 2500');
    expect(pg.ddlSessionSql({ lockTimeoutMs: 2500, blockers: 'wait', snapshotWaitMs: 60_000 })[0]).toBe(
      'SET lock_timeout = 67500',
    );
  });
});
