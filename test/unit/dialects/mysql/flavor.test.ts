import { describe, expect, it } from 'vitest';
import type { Session } from '../../../../src/connection/database.js';
import { createMysqlExplain } from '../../../../src/dialects/mysql/explain.js';
import { flavorFeatures } from '../../../../src/dialects/mysql/flavor.js';
import { serverInfo } from './fixtures.js';

describe('how a query is timed, by flavor and version', () => {
  it.each([
    ['mariadb', '10.5.27', 'ANALYZE FORMAT=JSON'],
    ['mariadb', '10.11.19', 'ANALYZE FORMAT=JSON'],
    ['mysql', '8.0.17', null],
    ['mysql', '8.0.18', 'EXPLAIN ANALYZE'],
    ['mysql', '9.7.4', 'EXPLAIN ANALYZE'],
  ] as const)('%s %s: %s', (flavor, version, statement) => {
    expect(flavorFeatures(serverInfo(flavor, version)).analyzeStatement).toBe(statement);
  });

  it('MySQL before 8.0.18 says it cannot time a query, and sends nothing', async () => {
    const sent: string[] = [];
    const session = {
      query: async (sql: string) => {
        sent.push(sql);
        return [];
      },
    } as unknown as Session;
    const explain = createMysqlExplain(serverInfo('mysql', '8.0.17'));
    await expect(explain.analyze(session, 'select 1')).rejects.toMatchObject({
      code: 'explain_unsupported',
      message: 'MySQL 8.0.17 cannot time a query: EXPLAIN ANALYZE needs MySQL 8.0.18 or later',
    });
    expect(sent).toEqual([]);
  });
});
