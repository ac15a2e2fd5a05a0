import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../../../src/dialects/index.js';
import { driverError } from '../../../src/dialects/shared/driver-error.js';
import { errorCodeOf } from '../../../src/errors.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { waitForRow } from '../../support/sessions.js';

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the statement to fail');
}

describe.each(testServers())('driver errors as both drivers throw them: $label', (server) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(server);
  });
  afterAll(async () => {
    await t.drop();
  });

  it('a statement the server refuses: its SQLSTATE, its number (MySQL/MariaDB), its own message, from the server', async () => {
    const error = await rejection(t.db.query('select * from no_such_table_here'));
    const read = driverError(error);
    expect(read.fromServer).toBe(true);
    expect(read.fatal).toBe(false);
    expect(read.message).toMatch(/no_such_table_here/);
    if (server.dialect === 'postgres') {
      expect(read.sqlState).toBe('42P01');
      expect(read.code).toBe('42P01');
      expect(read.errno).toBeUndefined();
    } else {
      expect(read.sqlState).toBe('42S02');
      expect(read.errno).toBe(1146);
      expect(read.code).toBe('ER_NO_SUCH_TABLE');
    }
    expect(errorCodeOf(error)).toBe('server_error');
    expect(dialectOf(t.db).executor.classify(error).kind).toBe('statement_failed');
  });

  it('a session killed under its statement: not an answer of the server, classified connection_lost', async () => {
    const victim = await t.db.session('plan');
    try {
      const killer = await t.db.session('plan');
      try {
        // long enough to be still running whenever the kill comes
        const running = rejection(
          victim.query(server.dialect === 'postgres' ? 'select pg_sleep(300)' : 'select sleep(300)'),
        );
        // the victim's statement is on the server before it is killed: watched for up to a minute or more (a
        // busy machine is slow to send it), failing the test if it never shows. The kill comes either way,
        // so a failure does not leave the statement running
        const shown = await waitForRow(
          t,
          server.dialect === 'postgres'
            ? `select 1 from pg_stat_activity where pid = ${victim.id} and state = 'active'`
            : `select 1 from information_schema.processlist where id = ${victim.id} and command = 'Query'`,
          `the victim's sleep (session ${victim.id}) never showed as running on the server`,
          600,
        ).then(
          () => null,
          (error: unknown) => error,
        );
        await killer.query(server.dialect === 'postgres' ? 'select pg_terminate_backend(?)' : 'kill ?', [victim.id]);
        if (shown) throw shown;
        const error = await running;
        const classified = dialectOf(t.db).executor.classify(error);
        expect(classified.kind).toBe('connection_lost');
        // PostgreSQL answers a terminated backend with 57P01 (an answer, though the connection is gone);
        // MySQL/MariaDB close the socket
        if (server.dialect === 'mysql') {
          expect(driverError(error).fromServer).toBe(false);
          expect(classified.message).toMatch(/^the connection was lost: /);
        } else {
          expect(driverError(error).sqlState).toBe('57P01');
          expect(classified.message).toMatch(/^the connection was terminated: /);
        }
      } finally {
        await killer.release();
      }
    } finally {
      await victim.release().catch(() => {});
    }
  });
});
