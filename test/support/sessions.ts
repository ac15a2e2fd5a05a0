import type { TestDatabase } from './databases.js';

/**
 * Runs `sql` on the test database every 100 ms until it returns a row (a session of the tool waiting on
 * a lock, say) and returns that row; after `tries` reads it throws `never` (or what `never` returns).
 */
export async function waitForRow(
  test: TestDatabase,
  sql: string,
  never: string | (() => Promise<string>),
  tries = 200,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < tries; i += 1) {
    const [row] = await test.exec(sql);
    if (row) return row;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(typeof never === 'string' ? never : await never());
}
