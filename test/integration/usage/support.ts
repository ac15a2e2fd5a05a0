import { openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import type { TestDatabase } from '../../support/databases.js';
import { seqRows } from '../../support/mysql-rows.js';

/** A query that reads `items` through `idx_items_a` (40 of 20 000 rows). */
export const itemsQuery = 'SELECT id FROM items WHERE a = 17';

/** Creates `items(id, a, b)` with 20 000 rows and `idx_items_a (a)`, statistics refreshed. */
export async function createItems(test: TestDatabase): Promise<void> {
  if (test.server.dialect === 'postgres') {
    await test.exec('create table items (id int primary key, a int not null, b int not null)');
    await test.exec('insert into items select g, g % 500, g % 7 from generate_series(1, 20000) g');
    await test.exec('create index idx_items_a on items (a)');
    await test.exec('analyze items');
  } else {
    await test.exec('create table items (id int primary key, a int not null, b int not null) engine=InnoDB');
    await test.exec(`insert into items select seq, seq % 500, seq % 7 from ${seqRows(20000)}`);
    await test.exec('create index idx_items_a on items (a)');
    await test.exec('analyze table items');
  }
}

/**
 * Runs the query `times` times on its own connection and closes it: a PostgreSQL backend flushes its
 * statistics when it exits, so the scans are visible to the next reader.
 */
export async function scanItems(url: string, times: number): Promise<void> {
  const db = await openDatabase(targetFromUrl(url));
  try {
    for (let i = 0; i < times; i += 1) {
      const rows = await db.query(itemsQuery);
      if (rows.length !== 40) throw new Error(`expected 40 rows, got ${rows.length}`);
    }
  } finally {
    await db.close();
  }
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
