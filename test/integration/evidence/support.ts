import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestDatabase } from '../../support/databases.js';
import { seqRows } from '../../support/mysql-rows.js';

/** Rows of the `events` table every evidence test reads. */
export const eventRows = 300_000;

/** A user id that owns exactly `eventRows / 20000` = 15 events: the selective verify query. */
export const selectiveQuery = 'SELECT id, payload FROM events WHERE user_id = 4242';

/** Creates `events(id, user_id, kind, payload)` with `eventRows` rows, generated inside the server. */
export async function createEvents(test: TestDatabase): Promise<void> {
  if (test.server.dialect === 'postgres') {
    await test.exec('create table events (id int primary key, user_id int not null, kind int not null, payload text)');
    await test.exec(
      `insert into events select g, g % 20000, g % 7, md5(g::text) from generate_series(1, ${eventRows}) g`,
    );
    await test.exec('vacuum analyze events');
  } else {
    await test.exec(
      'create table events (id int primary key, user_id int not null, kind int not null, payload varchar(40)) engine=InnoDB',
    );
    await test.exec(
      `insert into events select seq, seq % 20000, seq % 7, concat(hex(crc32(seq)), '-', seq) from ${seqRows(eventRows)}`,
    );
    await test.exec('analyze table events');
  }
}

/** A small table whose row count and checksum prove that nothing wrote to it. */
export async function createVictims(test: TestDatabase): Promise<void> {
  const pg = test.server.dialect === 'postgres';
  await test.exec(`create table victims (id int primary key, name varchar(40) not null)`);
  await test.exec(
    pg
      ? `insert into victims select g, 'v' || g from generate_series(1, 1000) g`
      : `insert into victims select seq, concat('v', seq) from ${seqRows(1000)}`,
  );
}

/** Row count and content checksum of `victims`. */
export async function victimsFingerprint(test: TestDatabase): Promise<string> {
  const [row] = await test.exec(
    test.server.dialect === 'postgres'
      ? `select count(*) || ':' || md5(string_agg(id || '=' || name, ',' order by id)) as f from victims`
      : `select concat(count(*), ':', sum(crc32(concat(id, '=', name)))) as f from victims`,
  );
  return String(row?.f);
}

/** Writes a plan file into a fresh directory and returns the directory. */
export async function planDir(name: string, yaml: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-evidence-'));
  await writeFile(path.join(dir, name), yaml);
  return dir;
}
