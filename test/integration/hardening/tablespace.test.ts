import { execFileSync } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, type TestServer, testServersOf } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { schemaDump } from '../apply/cli.js';

/** A tablespace in a fresh directory under /var/tmp owned by the postgres OS user (the suite runs as root). */
interface TestTablespace {
  name: string;
  dir: string;
  drop(): Promise<void>;
}

async function adminQuery(server: TestServer, sql: string): Promise<void> {
  const admin = await openDatabase(targetFromUrl(server.adminUrl));
  try {
    await admin.query(sql);
  } finally {
    await admin.close();
  }
}

/** Creates the tablespace, or returns why the server cannot use a directory made here. */
async function createTablespace(server: TestServer): Promise<TestTablespace | string> {
  const dir = await mkdtemp('/var/tmp/si-tablespace-');
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  const location = path.join(dir, 'space');
  await mkdir(location, { mode: 0o700 });
  await chown(location, uid, gid);
  // mkdtemp makes a 0700 folder: the server's OS user must pass through it
  await chmod(dir, 0o755);
  const name = `si ts ${path.basename(dir).slice(-6)}`;
  try {
    await adminQuery(server, `create tablespace "${name}" location '${location}'`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return (error as Error).message;
  }
  return {
    name,
    dir,
    drop: async () => {
      await adminQuery(server, `drop tablespace if exists "${name}"`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Each index of `notes` with its tablespace (null: the database's default). */
async function tablespaces(test: TestDatabase): Promise<Record<string, string | null>> {
  const rows = await test.exec(
    `select c.relname as name, s.spcname as tablespace from pg_index i join pg_class c on c.oid = i.indexrelid
       left join pg_tablespace s on s.oid = c.reltablespace where i.indrelid = 'notes'::regclass`,
  );
  return Object.fromEntries(rows.map((row) => [String(row.name), (row.tablespace as string | null) ?? null]));
}

describe.each(testServersOf('postgres'))('the tablespace of an index on $label', (server) => {
  let space: TestTablespace | undefined;
  let unusable: string | undefined;
  let test: TestDatabase | undefined;
  let dir: string;
  beforeEach(async () => {
    const made = await createTablespace(server);
    if (typeof made === 'string') {
      unusable = made;
      return;
    }
    space = made;
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-tablespace-run-'));
    await test.exec('create table notes (id int primary key, author text not null, title text not null)');
    await test.exec(`create index idx_notes_author on notes (author) tablespace "${space.name}"`);
    await test.exec(`create index idx_notes_title on notes (lower(title)) tablespace "${space.name}" where id > 0`);
    await test.exec("insert into notes values (1, 'ann', 'First'), (2, 'bob', 'Second')");
    expect((await runCli(['history', '--url', test.url])).exitCode).toBe(0);
  });
  afterEach(async () => {
    await test?.drop();
    await space?.drop();
  });

  it('a replace builds in it, and the rollback of a drop and of the replace recreates both there', async (context) => {
    // the server's OS user must be able to write a folder made here; where it cannot, there is nothing to test
    if (!space || !test) return context.skip(`the server cannot use a tablespace folder made here: ${unusable}`);
    const before = await schemaDump(test);
    const file = await writePlan(
      `indexes:
  - name: idx_notes_author
    table: notes
    state: absent
  - name: idx_notes_title
    table: notes
    columns: [{expression: "lower(title)"}, id]
    where: "id > 0"
`,
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const changes = JSON.parse(planned.stdout).changes as { action: string; sql: string[]; rollback: string[] }[];
    const quoted = `TABLESPACE "${space.name}"`;
    const replace = changes.find((change) => change.action === 'replace');
    expect(replace?.sql[0]).toContain(`${quoted} WHERE`);
    const drop = changes.find((change) => change.action === 'drop');
    expect(drop?.rollback[0]).toMatch(new RegExp(`\\(author\\) ${quoted}$`));

    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await tablespaces(test)).toEqual({ notes_pkey: null, idx_notes_title: space.name });

    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect(await tablespaces(test)).toEqual({
      notes_pkey: null,
      idx_notes_author: space.name,
      idx_notes_title: space.name,
    });
    expect(await schemaDump(test)).toBe(before);
  });
});
