import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/connection/database.js';
import { targetFromKnexfile, targetFromUrl } from '../../../src/connection/target.js';
import { dialectOf } from '../../../src/dialects/index.js';
import { Index } from '../../../src/model/index-model.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';

/** The injection of issue 16: a partial-index predicate that carries two more statements. */
const injected = "a > 0; SELECT nextval('s1'); SELECT 1 WHERE true";

const injectionPlans = {
  where: `indexes:
  - name: idx_inj
    table: t
    columns: [a]
    where: "${injected}"
`,
  expression: `indexes:
  - name: idx_inj
    table: t
    columns:
      - {expression: "${injected}"}
`,
};

/** Where the field's value starts in each plan above (line:col). */
const fieldAt = { where: ':5:12', expression: ':5:22' };

/** Counts TCP connections to a port nothing else answers on: proves the CLI never tried to connect. */
async function listeningCounter(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connections: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(testServers())('plan fields are one expression, checked before connecting, on $label', (server) => {
  let test: TestDatabase;
  const canary = async () => {
    // MySQL has no sequences: there the canary is a one-row table
    const [row] = await test.exec(
      {
        postgres: 'select last_value as v, is_called as c from s1',
        mariadb: 'select next_not_cached_value as v from s1',
        mysql: 'select v from s1',
      }[test.db.server.flavor],
    );
    return JSON.stringify(row);
  };

  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec(
      server.dialect === 'postgres' ? 'create table t (a int, b text)' : 'create table t (a int, b text) engine=InnoDB',
    );
    if (test.db.server.flavor === 'mysql') {
      await test.exec('create table s1 (v int)');
      await test.exec('insert into s1 values (1)');
    } else await test.exec('create sequence s1');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it.each(['where', 'expression'] as const)(
    'the injection through %s exits 1 at file:line:col for plan, explain and apply; the canary sequence has not moved',
    async (field) => {
      const before = await canary();
      const file = await writePlan(injectionPlans[field]);
      for (const command of ['plan', 'explain', 'apply']) {
        const extra = command === 'apply' ? ['--yes', '--rollback-dir', `${file}.rollbacks`] : [];
        const result = await runCli([command, file, '--url', test.url, ...extra]);
        expect(result.exitCode, `${command}: ${result.stderr}`).toBe(1);
        expect(result.stderr).toContain(
          `${file}${fieldAt[field]}: index "idx_inj": ${field === 'where' ? 'where' : 'columns[0].expression'} must be exactly one SQL expression; it contains a statement terminator (;)`,
        );
        expect(result.stdout).toBe('');
      }
      expect(await canary()).toBe(before);
    },
  );

  it.each(['where', 'expression'] as const)(
    'the injection through %s is refused before any connection is opened (a listening port sees none)',
    async (field) => {
      const counter = await listeningCounter();
      try {
        const url = new URL(server.adminUrl);
        url.port = String(counter.port);
        url.pathname = '/nothing';
        const file = await writePlan(injectionPlans[field]);
        for (const command of ['plan', 'explain', 'apply']) {
          const extra = command === 'apply' ? ['--yes', '--rollback-dir', `${file}.rollbacks`] : [];
          const result = await runCli([command, file, '--url', url.toString(), ...extra]);
          expect(result.exitCode).toBe(1);
          expect(result.stderr).toMatch(/must be exactly one SQL expression/);
        }
        expect(counter.connections()).toBe(0);
        // control: a valid plan does try to connect to that port
        const valid = await writePlan('indexes:\n  - name: idx_ok\n    table: t\n    columns: [a]\n');
        const control = await runCli(['plan', valid, '--url', url.toString()]);
        expect(control.exitCode).toBe(1);
        expect(counter.connections()).toBeGreaterThan(0);
      } finally {
        await counter.close();
      }
    },
  );

  it('every path the tool sends statements on refuses a second statement in one string', async () => {
    const second =
      server.dialect === 'postgres' ? /cannot insert multiple commands into a prepared statement/ : /syntax/;
    const before = await canary();
    const nextval = server.dialect === 'postgres' ? "select nextval('s1')" : 'select nextval(s1)';
    // pooled connection, statement sent as written
    await expect(test.db.query(`select 1; ${nextval}`)).rejects.toThrow(second);
    // pooled connection through knex with bindings
    await expect(test.db.query(`select ?; ${nextval}`, [1])).rejects.toThrow(second);
    // dedicated session (DDL, canonicalization, EXPLAIN), as written and with bindings
    const session = await test.db.session();
    try {
      await expect(session.query(`select 1; ${nextval}`)).rejects.toThrow(second);
      await expect(session.query(`select ?; ${nextval}`, [1])).rejects.toThrow(second);
    } finally {
      await session.release();
    }
    expect(await canary()).toBe(before);
  });

  it.runIf(server.dialect === 'postgres')(
    'past the parser check, canonicalization still sends the predicate as one statement: the server refuses it',
    async () => {
      const before = await canary();
      const dialect = dialectOf(test.db);
      const index = new Index({
        schema: test.db.server.defaultSchema,
        table: 't',
        name: 'idx_inj',
        unique: false,
        method: 'btree',
        keyParts: [{ column: 'a', order: 'asc' }],
        where: injected,
        include: [],
      });
      const [result] = await dialect.canonicalize(test.db, [index], 5_000);
      expect(result).toEqual({
        error: expect.stringMatching(/cannot insert multiple commands into a prepared statement/),
      });
      expect(await canary()).toBe(before);
    },
  );

  it.runIf(server.dialect === 'mysql')('a knexfile cannot turn multipleStatements on', async () => {
    const url = new URL(test.url);
    const knexfile = `${await writePlan('{}', 'unused.yml')}.knexfile.json`;
    await writeFile(
      knexfile,
      JSON.stringify({
        client: 'mysql2',
        connection: {
          host: url.hostname,
          port: Number(url.port),
          user: decodeURIComponent(url.username),
          database: test.name,
          multipleStatements: true,
        },
      }),
    );
    const db = await openDatabase(await targetFromKnexfile(knexfile));
    try {
      await expect(db.query('select 1; select 2')).rejects.toThrow(/syntax/);
      const session = await db.session();
      await expect(session.query('select 1; select 2')).rejects.toThrow(/syntax/);
      await session.release();
    } finally {
      await db.close();
    }
    // and a URL's query string cannot either
    const fromUrl = await openDatabase(targetFromUrl(`${test.url}?multipleStatements=true`));
    try {
      await expect(fromUrl.query('select 1; select 2')).rejects.toThrow(/syntax/);
    } finally {
      await fromUrl.close();
    }
  });
});
