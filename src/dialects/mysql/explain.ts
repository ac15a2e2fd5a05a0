import type { ServerInfo, Session } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';
import type { ExplainDialect } from '../explain-types.js';
import { parseMariadbAnalyze, parseMysqlAnalyzeTree, parseMysqlExplainJson } from './explain-parse.js';
import { flavorFeatures } from './flavor.js';
import { qualifiedTable } from './quote.js';

async function firstColumn(session: Session, sql: string): Promise<unknown> {
  const [row] = await session.query(sql);
  return row ? Object.values(row)[0] : undefined;
}

/**
 * EXPLAIN support for MySQL/MariaDB. MariaDB: `ANALYZE FORMAT=JSON` (executes, reports r_* times).
 * MySQL 8.0.18+: `EXPLAIN ANALYZE` for times and rows, plus `EXPLAIN FORMAT=JSON` for keys and access types.
 * No hypothetical indexes.
 */
export function createMysqlExplain(server: ServerInfo): ExplainDialect {
  const { statementTimeout, analyzeStatement } = flavorFeatures(server);
  const timeoutValue = (ms: number) => {
    const whole = Math.max(1, Math.round(ms));
    return statementTimeout.unit === 's' ? (whole / 1000).toFixed(3) : String(whole);
  };
  return {
    beginReadOnlySql: (timeoutMs) => [
      `SET SESSION ${statementTimeout.variable} = ${timeoutValue(timeoutMs)}`,
      'START TRANSACTION READ ONLY',
    ],
    rollbackSql: 'ROLLBACK',
    async analyze(session, statement) {
      if (analyzeStatement === 'ANALYZE FORMAT=JSON') {
        return parseMariadbAnalyze(await firstColumn(session, `ANALYZE FORMAT=JSON ${statement}`));
      }
      const facts = parseMysqlAnalyzeTree(String(await firstColumn(session, `EXPLAIN ANALYZE ${statement}`)));
      const shape = parseMysqlExplainJson(await firstColumn(session, `EXPLAIN FORMAT=JSON ${statement}`));
      return { ...facts, indexes: shape.indexes.length > 0 ? shape.indexes : facts.indexes };
    },
    refreshStatisticsSql: (table: TableRef) => `ANALYZE TABLE ${qualifiedTable(table.schema, table.name)}`,
    hypothetical: null,
  };
}
