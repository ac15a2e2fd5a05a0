import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { writePlan } from '../../support/plans.js';
import { schemaDump } from '../apply/cli.js';

const keep = 'do not drop: the month-end report uses it';

/** COMMENT and statistics targets of each index of `notes`, as the server keeps them. */
async function properties(test: TestDatabase): Promise<Record<string, { comment: string | null; stats?: string }>> {
  const found: Record<string, { comment: string | null; stats?: string }> = {};
  if (test.server.dialect === 'postgres') {
    const rows = await test.exec(
      `select c.relname as name, obj_description(c.oid, 'pg_class') as comment,
              (select string_agg(a.attnum || ':' || a.attstattarget, ',' order by a.attnum) from pg_attribute a
                where a.attrelid = c.oid and nullif(a.attstattarget, -1) is not null) as stats
         from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = 'notes'::regclass`,
    );
    for (const row of rows) {
      found[String(row.name)] = { comment: (row.comment as string | null) ?? null, stats: String(row.stats ?? '') };
    }
    return found;
  }
  const rows = await test.exec(
    `select distinct index_name as name, index_comment as comment from information_schema.statistics
      where table_schema = database() and table_name = 'notes'`,
  );
  for (const row of rows) found[String(row.name)] = { comment: String(row.comment) || null };
  return found;
}

describe.each(testServers())('rollback restores what the server keeps on an index on $label', (server) => {
  const pg = server.dialect === 'postgres';
  let test: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase(server);
    dir = await mkdtemp(path.join(tmpdir(), 'si-properties-'));
    if (pg) {
      await test.exec('create table notes (id int primary key, author text not null, title text not null)');
      await test.exec('create index idx_notes_title on notes (lower(title))');
      await test.exec(`comment on index idx_notes_title is '${keep}'`);
      await test.exec('alter index idx_notes_title alter column 1 set statistics 500');
      await test.exec('create index idx_notes_author on notes (author, (length(title)))');
      await test.exec("comment on index idx_notes_author is 'who wrote what'");
      await test.exec('alter index idx_notes_author alter column 2 set statistics 250');
    } else {
      await test.exec(
        `create table notes (id int primary key, author varchar(40) not null, title varchar(80) not null,
           key idx_notes_title (title) comment '${keep}', key idx_notes_author (author) comment 'who wrote what')`,
      );
    }
    await test.exec("insert into notes values (1, 'ann', 'First'), (2, 'bob', 'Second')");
    expect((await runCli(['history', '--url', test.url])).exitCode).toBe(0);
  });
  afterEach(async () => {
    await test?.drop();
  });

  it('drop and replace, then rollback: COMMENT and statistics targets come back, the dump is identical', async () => {
    const before = await schemaDump(test);
    const original = await properties(test);
    expect(original.idx_notes_title?.comment).toBe(keep);
    if (pg) expect(original.idx_notes_title?.stats).toBe('1:500');
    const file = await writePlan(
      `indexes:
  - name: idx_notes_title
    table: notes
    state: absent
  - name: idx_notes_author
    table: notes
    columns: [author, id]
`,
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode, planned.stderr).toBe(2);
    const replace = JSON.parse(planned.stdout).changes.find((c: { action: string }) => c.action === 'replace');
    // the new definition does not carry the old one's comment (nor, on PostgreSQL, its statistics targets)
    expect(replace.warnings.join('\n')).toMatch(/COMMENT|settings the plan format cannot express/);

    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const changed = await properties(test);
    expect(changed.idx_notes_title).toBeUndefined();
    expect(changed.idx_notes_author?.comment ?? null).toBeNull();

    const rolled = await runCli(['rollback', '--url', test.url, '--yes', '--rollback-dir', dir]);
    expect(rolled.exitCode, rolled.stderr).toBe(0);
    expect(await properties(test)).toEqual(original);
    expect(await schemaDump(test)).toBe(before);
  });
});
