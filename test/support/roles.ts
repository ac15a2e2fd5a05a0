import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/connection/database.js';
import { targetFromUrl } from '../../src/connection/target.js';
import type { TestDatabase } from './databases.js';

/** A login made for one test in its own database, dropped by `drop`. */
export interface TestUser {
  name: string;
  password: string;
  /** URL into the test database as this user. */
  url: string;
  drop(): Promise<void>;
}

/** What a test login may do: read (CI: plan, explain, history) or deploy (apply, rollback) as docs/operations.md lists. */
export type Grants = 'read-only' | 'deploy';

/**
 * Creates a login unique to this test run with exactly the privileges docs/operations.md names.
 * Read-only: PostgreSQL CONNECT, TEMP, USAGE on the schema and SELECT on its tables; MySQL/MariaDB
 * SELECT and CREATE TEMPORARY TABLES on the database. Deploy adds: PostgreSQL ownership of `tables`
 * and CREATE on the schema; MySQL/MariaDB INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES.
 */
export async function createTestUser(test: TestDatabase, grants: Grants, tables: string[] = []): Promise<TestUser> {
  const name = `si_${grants === 'deploy' ? 'dp' : 'ro'}_${randomBytes(5).toString('hex')}`;
  const secret = `pw_${randomBytes(8).toString('hex')}`;
  const pg = test.server.dialect === 'postgres';
  if (pg) {
    await test.exec(`create role "${name}" login password '${secret}'`);
    await test.exec(`grant connect, temporary on database "${test.name}" to "${name}"`);
    await test.exec(`grant usage on schema public to "${name}"`);
    await test.exec(`grant select on all tables in schema public to "${name}"`);
    if (grants === 'deploy') {
      await test.exec(`grant create on schema public to "${name}"`);
      for (const table of tables) await test.exec(`alter table "${table}" owner to "${name}"`);
    }
  } else {
    await test.exec(`create user '${name}'@'%' identified by '${secret}'`);
    const privileges =
      grants === 'deploy'
        ? 'select, insert, update, delete, create, alter, index, references, create temporary tables'
        : 'select, create temporary tables';
    await test.exec(`grant ${privileges} on \`${test.name}\`.* to '${name}'@'%'`);
  }
  const url = new URL(test.url);
  url.username = name;
  url.password = secret;
  return {
    name,
    password: secret,
    url: url.toString(),
    drop: async () => {
      if (pg) {
        await test.exec(`drop owned by "${name}"`);
        const admin = await openDatabase(targetFromUrl(test.server.adminUrl));
        try {
          await admin.query(`drop role if exists "${name}"`);
        } finally {
          await admin.close();
        }
      } else await test.exec(`drop user if exists '${name}'@'%'`);
    },
  };
}
