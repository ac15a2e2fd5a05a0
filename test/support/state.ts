import type { TestDatabase } from './databases.js';

/** The tool's own tables in the test database (none means nothing was recorded or created there). */
export async function stateTables(test: TestDatabase): Promise<string[]> {
  const rows = await test.exec(
    `select table_name as name from information_schema.tables
      where table_schema = ? and table_name like 'safe_index%' order by 1`,
    [test.db.server.defaultSchema],
  );
  return rows.map((row) => String(row.name));
}
