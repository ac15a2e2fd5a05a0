import type { ServerInfo, Session } from '../../connection/database.js';
import { drivers } from '../../connection/drivers.js';
import { SafeIndexError } from '../../errors.js';
import type { TableRef } from '../../model/schema.js';
import type { ExplainDialect } from '../explain-types.js';
import { parseMariadbAnalyze, parseMysqlAnalyzeTree, parseMysqlExplainJson } from './explain-parse.js';
import { flavorFeatures } from './flavor.js';
import { qualifiedTable, quoteMysqlIdent } from './identifiers.js';
import { mysqlRefusedForEffects } from './routine-effects.js';

async function firstColumn(session: Session, sql: string): Promise<unknown> {
  const [row] = await session.query(sql);
  return row ? Object.values(row)[0] : undefined;
}

/** Warnings MySQL leaves when max_execution_time stops a statement: 1317 interrupted, 3024 time exceeded. */
const interruptedWarnings = [1317, 3024];

/**
 * MySQL stops an `EXPLAIN ANALYZE` at max_execution_time without an error (checked on 9.7.4): it returns
 * the times of the part it ran and leaves a warning. Such a run is a timeout, not a measurement.
 */
async function throwIfInterrupted(session: Session): Promise<void> {
  const warnings = await session.query<{ Code: number; Message: string }>('SHOW WARNINGS');
  const interrupted = warnings.find((warning) => interruptedWarnings.includes(Number(warning.Code)));
  if (interrupted) {
    throw new SafeIndexError(
      'canceled',
      `statement timeout: max_execution_time stopped EXPLAIN ANALYZE (warning ${interrupted.Code}: ${interrupted.Message})`,
    );
  }
}

/**
 * EXPLAIN support for MySQL/MariaDB. MariaDB: `ANALYZE FORMAT=JSON` (executes, reports r_* times).
 * MySQL 8.0.18+: `EXPLAIN ANALYZE` for times and rows, plus `EXPLAIN FORMAT=JSON` for keys and access types;
 * an older MySQL cannot time a query, and says so for each one. No hypothetical indexes.
 */
export function createMysqlExplain(server: ServerInfo): ExplainDialect {
  const { statementTimeout, analyzeStatement, noIndexHint } = flavorFeatures(server);
  const timeoutValue = (ms: number) => {
    const whole = Math.max(1, Math.round(ms));
    return statementTimeout.unit === 's' ? (whole / 1000).toFixed(3) : String(whole);
  };
  return {
    beginReadOnlySql: (timeoutMs) => [
      `SET SESSION ${statementTimeout.variable} = ${timeoutValue(timeoutMs)}`,
      // the statement timeout does not count a metadata-lock wait (MySQL): bound that by the same limit
      drivers.mysql.lockTimeoutSql(timeoutMs),
      'START TRANSACTION READ ONLY',
    ],
    rollbackSql: 'ROLLBACK',
    refusedForEffects: mysqlRefusedForEffects,
    async analyze(session, statement) {
      if (analyzeStatement === null) {
        throw new SafeIndexError(
          'explain_unsupported',
          `MySQL ${server.version} cannot time a query: EXPLAIN ANALYZE needs MySQL 8.0.18 or later`,
        );
      }
      if (analyzeStatement === 'ANALYZE FORMAT=JSON') {
        return parseMariadbAnalyze(await firstColumn(session, `ANALYZE FORMAT=JSON ${statement}`));
      }
      const facts = parseMysqlAnalyzeTree(String(await firstColumn(session, `EXPLAIN ANALYZE ${statement}`)));
      await throwIfInterrupted(session);
      const shape = parseMysqlExplainJson(await firstColumn(session, `EXPLAIN FORMAT=JSON ${statement}`));
      return { ...facts, indexes: shape.indexes.length > 0 ? shape.indexes : facts.indexes };
    },
    refreshStatisticsSql: (table: TableRef) => `ANALYZE TABLE ${qualifiedTable(table.schema, table.name)}`,
    hypothetical: null,
    ignoring: noIndexHint
      ? {
          estimate: async (session, statement) =>
            parseMysqlExplainJson(await firstColumn(session, `EXPLAIN FORMAT=JSON ${statement}`)),
          async estimateWithout(session, statement, table, index) {
            // the hint goes right after the leading SELECT; the statement was checked to be one SELECT or WITH
            if (!/^\s*select\b/i.test(statement)) return 'only a query that starts with SELECT can carry the hint';
            const hint = `SELECT /*+ NO_INDEX(${quoteMysqlIdent(table.name)} ${quoteMysqlIdent(index)}) */`;
            const hinted = statement.replace(/^\s*select\b/i, hint);
            return parseMysqlExplainJson(await firstColumn(session, `EXPLAIN FORMAT=JSON ${hinted}`));
          },
        }
      : `${server.flavor} ${server.version} has no NO_INDEX optimizer hint (MySQL 8.0.20+)`,
  };
}
