import type { Database } from '../../../src/connection/database.js';

/** A loop of writes and reads on `orders` from its own connection, timing each statement. */
export interface LoadProbe {
  stop(): Promise<{ statements: number; maxMs: number; errors: string[] }>;
}

/** Starts inserting, updating and reading `orders` as fast as one connection can. */
export async function startProbe(db: Database): Promise<LoadProbe> {
  const session = await db.session();
  const statements = () => [
    "insert into orders (customer, status, total) values (42, 'new', 1)",
    `update orders set total = total + 1 where id = ${1 + Math.floor(Math.random() * 1000)}`,
    'select count(*) as n from orders where id between 1 and 50',
  ];
  let running = true;
  let count = 0;
  let maxMs = 0;
  const errors: string[] = [];
  const loop = (async () => {
    while (running) {
      for (const sql of statements()) {
        const started = performance.now();
        try {
          await session.query(sql);
        } catch (error) {
          errors.push((error as Error).message);
        }
        maxMs = Math.max(maxMs, performance.now() - started);
        count += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await session.release();
      return { statements: count, maxMs: Math.round(maxMs), errors };
    },
  };
}
