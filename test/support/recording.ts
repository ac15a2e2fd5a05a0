import type { Database } from '../../src/connection/database.js';

/**
 * The database, with every statement it sends (pool, dedicated sessions, borrowed connections), the
 * label of every dedicated session it opens and the number of pooled connections it borrows recorded.
 * The queries still go to the real server.
 */
export function recording(db: Database) {
  const statements: string[] = [];
  const sessions: string[] = [];
  let borrowed = 0;
  const wrapped: Database = {
    ...db,
    server: db.server,
    target: db.target,
    knex: db.knex,
    queryCount: 0,
    query: (sql, bindings) => {
      statements.push(sql);
      return db.query(sql, bindings);
    },
    session: async (label, options) => {
      sessions.push(label ?? '');
      const session = await db.session(label, options);
      return {
        ...session,
        id: session.id,
        query: (sql, bindings) => {
          statements.push(sql);
          return session.query(sql, bindings);
        },
      };
    },
    borrow: (work) => {
      borrowed += 1;
      return db.borrow((query) =>
        work((sql, bindings) => {
          statements.push(sql);
          return query(sql, bindings);
        }),
      );
    },
  };
  return { db: wrapped, statements, sessions, borrowed: () => borrowed };
}
