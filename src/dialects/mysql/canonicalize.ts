import type { Database, Row, Session } from '../../connection/database.js';
import { drivers } from '../../connection/drivers.js';
import { SafeIndexError } from '../../errors.js';
import { Index } from '../../model/index-model.js';
import { driverError } from '../shared/driver-error.js';
import type { CanonicalResult } from '../types.js';
import { qualifiedTable, quoteMysqlIdent, quoteMysqlLiteral } from './identifiers.js';
import { groupByIndex, indexFromParts, partFromRow } from './index-reader.js';
import { renderAddClause } from './render.js';

/** Server errors of CREATE TEMPORARY TABLE ... LIKE that a column-only copy avoids (FULLTEXT on a temporary InnoDB table). */
const likeCopyErrors = new Set([1796]);

/** Notes the server raises when it builds something other than what was asked (1071: key silently shortened). */
const alteringNotes = new Set([1071]);

/** ER_LOCK_WAIT_TIMEOUT: a metadata-lock wait passed `lock_wait_timeout`. */
const lockWaitTimeout = 1205;

function describeError(error: unknown): string {
  const { errno, message } = driverError(error);
  return errno ? `error ${errno}: ${message}` : message;
}

/** Column definitions of a table from the catalog, enough to rebuild it without its indexes. */
async function columnDefinitions(session: Session, index: Index): Promise<string> {
  const rows = await session.query<Row>(
    `select COLUMN_NAME as name, COLUMN_TYPE as type, CHARACTER_SET_NAME as charset, COLLATION_NAME as collation,
       IS_NULLABLE as nullable, GENERATION_EXPRESSION as expression, EXTRA as extra
     from information_schema.COLUMNS where TABLE_SCHEMA = ? and TABLE_NAME = ? order by ORDINAL_POSITION`,
    [index.schema, index.table],
  );
  return rows
    .map((row) => {
      let text = `${quoteMysqlIdent(String(row.name))} ${row.type}`;
      if (row.charset) text += ` CHARACTER SET ${row.charset} COLLATE ${row.collation}`;
      const extra = String(row.extra ?? '');
      if (/GENERATED/i.test(extra) && row.expression) {
        return `${text} GENERATED ALWAYS AS (${row.expression}) ${/VIRTUAL/i.test(extra) ? 'VIRTUAL' : 'STORED'}`;
      }
      return `${text} ${row.nullable === 'YES' ? 'NULL' : 'NOT NULL'}`;
    })
    .join(', ');
}

/**
 * Makes an empty session-local copy of the index's table. `LIKE` keeps everything exactly; InnoDB refuses
 * FULLTEXT on temporary tables, so a FULLTEXT index (or a table that has one) gets a copy of the columns
 * only, on MyISAM for FULLTEXT since that is the engine that can hold it in a temporary table.
 */
async function createCopy(session: Session, index: Index, copy: string): Promise<void> {
  const original = qualifiedTable(index.schema, index.table);
  if (index.method !== 'fulltext') {
    try {
      await session.query(`CREATE TEMPORARY TABLE ${copy} LIKE ${original}`);
      return;
    } catch (error) {
      if (!likeCopyErrors.has(Number(driverError(error).errno))) throw error;
    }
  }
  const engine = index.method === 'fulltext' ? 'MyISAM' : 'InnoDB';
  const columns = await columnDefinitions(session, index);
  if (columns === '') throw new SafeIndexError('table_not_found', `table ${original} does not exist`);
  await session.query(`CREATE TEMPORARY TABLE ${copy} (${columns}) ENGINE=${engine}`);
}

async function buildAndReadBack(session: Session, index: Index, copy: string): Promise<CanonicalResult> {
  const existing = await session.query(`SHOW INDEX FROM ${copy}`);
  const actions = existing.some((row) => row.Key_name === index.name)
    ? [`DROP INDEX ${quoteMysqlIdent(index.name)}`]
    : [];
  actions.push(`ADD ${renderAddClause(index)}`);
  await session.query(`ALTER TABLE ${copy} ${actions.join(', ')}`);
  const warnings = await session.query('SHOW WARNINGS');
  const altering = warnings.find((row) => alteringNotes.has(Number(row.Code)));
  if (altering) return { error: `error ${altering.Code}: ${altering.Message}` };
  const rows = await session.query(`SHOW INDEX FROM ${copy} WHERE Key_name = ${quoteMysqlLiteral(index.name)}`);
  const parts = groupByIndex(rows.map(partFromRow)).get(index.name);
  if (!parts) return { error: `the server did not build \`${index.name}\`` };
  return { index: new Index(indexFromParts(index.schema, index.table, parts)) };
}

async function canonicalizeOne(session: Session, index: Index, copyName: string): Promise<CanonicalResult> {
  const copy = qualifiedTable(index.schema, copyName);
  try {
    await createCopy(session, index, copy);
    return await buildAndReadBack(session, index, copy);
  } catch (error) {
    const lockTimeout = driverError(error).errno === lockWaitTimeout;
    return { error: describeError(error), ...(lockTimeout ? { lockTimeout: true as const } : {}) };
  } finally {
    await session.query(`DROP TEMPORARY TABLE IF EXISTS ${copy}`).catch(() => {});
  }
}

/**
 * Builds each desired index on an empty temporary copy of its table and reads back what the server made;
 * the copy waits at most `lockTimeoutMs` (whole seconds, at least one) for its metadata lock on the original.
 */
export async function canonicalizeMysql(
  db: Database,
  indexes: readonly Index[],
  lockTimeoutMs: number,
): Promise<CanonicalResult[]> {
  if (indexes.length === 0) return [];
  const session = await db.session('plan');
  try {
    await session.query(drivers.mysql.lockTimeoutSql(lockTimeoutMs));
    const results: CanonicalResult[] = [];
    for (const [i, index] of indexes.entries()) {
      results.push(await canonicalizeOne(session, index, `safe_index_canon_${session.id}_${i}`));
    }
    return results;
  } finally {
    await session.release();
  }
}
