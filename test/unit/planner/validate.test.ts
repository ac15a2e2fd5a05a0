import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../src/connection/database.js';
import { createDialect } from '../../../src/dialects/index.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { indexOf } from '../../../src/planner/resolve.js';
import { validateEntry } from '../../../src/planner/validate.js';
import { column, mariadb1011, mysql8036, table } from '../dialects/mysql/fixtures.js';
import { postgresServer } from '../dialects/postgres/fixtures.js';

const postgres15 = postgresServer('15.20', { database: 'shop', defaultSchema: 'shop' });

/** The problem codes of one entry on `orders (id, Status)`, as the plan writes its column. */
async function problemCodes(server: ServerInfo, written: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'si-validate-'));
  const file = path.join(dir, 'plan.yml');
  await writeFile(file, `indexes:\n  - name: idx_orders_status\n    table: orders\n    columns: [${written}]\n`);
  const [spec] = (await loadPlans([file])).indexes;
  const live = table('orders', [column('id', 'int', { nullable: false }), column('Status', 'varchar(20)')]);
  const dialect = createDialect(server);
  return validateEntry(spec!, indexOf(spec!, server), live, dialect).map((problem) => problem.code);
}

describe('a key column named with another case than the table has', () => {
  it.each([
    ['MariaDB', mariadb1011],
    ['MySQL', mysql8036],
  ])('%s compares column names without case: no problem', async (_name, server) => {
    expect(await problemCodes(server, 'status')).toEqual([]);
    expect(await problemCodes(server, 'STATUS')).toEqual([]);
  });

  it('PostgreSQL compares them exactly: unknown_column', async () => {
    expect(await problemCodes(postgres15, 'status')).toEqual(['unknown_column']);
    expect(await problemCodes(postgres15, 'Status')).toEqual([]);
  });

  it.each([
    ['MariaDB', mariadb1011],
    ['PostgreSQL', postgres15],
  ])('%s: a column that is not there at all is unknown', async (_name, server) => {
    expect(await problemCodes(server, 'state')).toEqual(['unknown_column']);
  });
});
