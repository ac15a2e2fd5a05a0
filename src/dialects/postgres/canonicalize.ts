import type { Database, Session } from '../../connection/database.js';
import { SafeIndexError } from '../../errors.js';
import { Index } from '../../model/index-model.js';
import { type TableRef, tableKey } from '../../model/schema.js';
import { driverError } from '../shared/driver-error.js';
import type { CanonicalResult } from '../types.js';
import { formatDefinition, piecesOf } from './definition.js';
import { quoteIdent, quoteQualified } from './identifiers.js';
import { readIndexes } from './index-reader.js';

/** The server's message without the statement knex puts in front of it. */
function serverMessage(error: unknown, sql: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const prefix = `${sql} - `;
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** SQLSTATE of a statement that gave up waiting for a lock (`lock_timeout`). */
const lockNotAvailable = '55P03';

/**
 * Runs `sql` under a savepoint, each statement in its own round trip (the session's extended
 * protocol refuses a second statement); on failure rolls back to it and returns the server's message.
 */
async function tryStatement(
  session: Pick<Session, 'query'>,
  sql: string,
): Promise<{ error: string; lockTimeout?: true } | undefined> {
  await session.query('SAVEPOINT si_canon');
  try {
    await session.query(sql);
    await session.query('RELEASE SAVEPOINT si_canon');
    return undefined;
  } catch (error) {
    await session.query('ROLLBACK TO SAVEPOINT si_canon');
    await session.query('RELEASE SAVEPOINT si_canon');
    const lockTimeout = driverError(error).code === lockNotAvailable;
    return { error: serverMessage(error, sql), ...(lockTimeout ? { lockTimeout: true as const } : {}) };
  }
}

/**
 * Builds every desired index on an empty temporary copy of its table (one per distinct table) in a
 * transaction that is rolled back, and reads them back with the introspection reader: the server's
 * own text for expressions and predicates, or its error message when it refuses the definition. The
 * copy waits at most `lockTimeoutMs` for its lock on the original table.
 */
export async function canonicalizeIndexes(
  db: Database,
  indexes: readonly Index[],
  lockTimeoutMs: number,
): Promise<CanonicalResult[]> {
  if (indexes.length === 0) return [];
  // a pooled connection: everything below happens in one transaction that is rolled back
  return db.borrow((query) => canonicalizeOn(query, indexes, lockTimeoutMs));
}

/** `canonicalizeIndexes` on one connection; throws when the transaction could not be rolled back. */
async function canonicalizeOn(
  query: Session['query'],
  indexes: readonly Index[],
  lockTimeoutMs: number,
): Promise<CanonicalResult[]> {
  const session = { query };
  const results: CanonicalResult[] = indexes.map(() => ({ error: 'not built' }));
  let rollbackError: unknown = null;
  try {
    await session.query('BEGIN');
    await session.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockTimeoutMs))}`);
    const scratch = new Map<string, { name: string; ref: TableRef; failure?: CanonicalResult }>();
    for (const index of indexes) {
      const key = tableKey({ schema: index.schema, name: index.table });
      if (scratch.has(key)) continue;
      const name = `si_canon_t${scratch.size + 1}`;
      const failure = await tryStatement(
        session,
        `CREATE TEMP TABLE ${quoteIdent(name)} (LIKE ${quoteQualified(index.schema, index.table)})`,
      );
      scratch.set(key, { name, ref: { schema: index.schema, name: index.table }, ...(failure ? { failure } : {}) });
    }
    const built = new Map<string, number>();
    for (const [position, index] of indexes.entries()) {
      const table = scratch.get(tableKey({ schema: index.schema, name: index.table }))!;
      if (table.failure) {
        results[position] = table.failure;
        continue;
      }
      const tempName = `si_canon_i${position + 1}`;
      const pieces = piecesOf(index, quoteIdent, { concurrently: false, only: false, name: tempName, forDdl: true });
      const failure = await tryStatement(
        session,
        formatDefinition({ ...pieces, table: `pg_temp.${quoteIdent(table.name)}` }),
      );
      if (failure) results[position] = failure;
      else built.set(tempName, position);
    }
    if (built.size > 0) {
      const oidRows = await session.query<{ oid: string; name: string }>(
        'select c.oid::bigint::text as oid, c.relname as name from pg_class c ' +
          "where c.relnamespace = pg_my_temp_schema() and c.relkind = 'r' and c.relname like 'si\\_canon\\_t%'",
      );
      const refByName = new Map([...scratch.values()].map((table) => [table.name, table.ref]));
      const tables = new Map(
        oidRows.flatMap((row) => (refByName.has(row.name) ? [[row.oid, refByName.get(row.name)!]] : [])),
      );
      const readBack = await readIndexes(session.query, tables);
      for (const index of [...readBack.values()].flat()) {
        const position = built.get(index.name);
        if (position === undefined) continue;
        // a plain model index (the constructor drops the live facts), under its desired name
        results[position] = { index: new Index({ ...index, name: indexes[position]!.name }) };
      }
    }
  } finally {
    await session.query('ROLLBACK').catch((error: unknown) => {
      rollbackError = error;
    });
  }
  // the connection goes back to the pool only without the transaction (and its temporary tables)
  if (rollbackError !== null) {
    throw new SafeIndexError(
      'connection_lost',
      `the canonicalization transaction could not be rolled back: ${(rollbackError as Error).message}`,
      { cause: rollbackError },
    );
  }
  return results;
}
