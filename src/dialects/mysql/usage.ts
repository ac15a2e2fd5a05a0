import type { Database, ServerInfo } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';
import type { ForeignKey, IndexCounter, UsageDialect } from '../usage-types.js';
import { flavorFeatures } from './flavor.js';
import { catalogStatement, tableFilter } from './introspect.js';

const utc = (expression: string) => `date_format(${expression}, '%Y-%m-%dT%H:%i:%s.%fZ')`;

/** The counter query of each statistics table: rows read through each index of the tables asked for. */
function counterQuery(table: string, where: string): string {
  if (table === 'information_schema.INDEX_STATISTICS') {
    return `select TABLE_SCHEMA as table_schema, TABLE_NAME as table_name, INDEX_NAME as index_name, ROWS_READ as scans
      from information_schema.INDEX_STATISTICS where ${where}`;
  }
  return `select OBJECT_SCHEMA as table_schema, OBJECT_NAME as table_name, INDEX_NAME as index_name, COUNT_READ as scans
    from performance_schema.table_io_waits_summary_by_index_usage
    where OBJECT_TYPE = 'TABLE' and INDEX_NAME is not null and ${where}`;
}

/**
 * MySQL/MariaDB usage: rows read through each index since the server started (MariaDB INDEX_STATISTICS
 * with userstat=1, MySQL performance_schema); the server start is `now - Uptime`.
 */
export function createMysqlUsage(server: ServerInfo): UsageDialect {
  const { usageStatistics } = flavorFeatures(server);
  return {
    unit: 'rows_read',
    async readUsage(db: Database, tables: readonly TableRef[]) {
      const [clock] = await db.query(
        `select ${utc('utc_timestamp(6)')} as now, @@${usageStatistics.switch} as enabled`,
      );
      const [uptime] = await db.query("SHOW GLOBAL STATUS LIKE 'Uptime'");
      const readAt = new Date(String(clock?.now));
      const serverStart = new Date(readAt.getTime() - Number(uptime?.Value ?? 0) * 1000);
      const enabled = Number(clock?.enabled) === 1;
      const filter = tableFilter(
        tables,
        usageStatistics.switch === 'userstat' ? 'TABLE_SCHEMA' : 'OBJECT_SCHEMA',
        usageStatistics.switch === 'userstat' ? 'TABLE_NAME' : 'OBJECT_NAME',
      );
      const rows =
        enabled && tables.length > 0
          ? await db.query(counterQuery(usageStatistics.table, filter.sql), filter.bindings)
          : [];
      const counters: IndexCounter[] = rows.map((row) => ({
        schema: String(row.table_schema),
        table: String(row.table_name),
        index: String(row.index_name),
        scans: Number(row.scans),
        lastScan: null,
      }));
      const unavailable = enabled
        ? null
        : usageStatistics.switch === 'userstat'
          ? 'index statistics are off on this server (userstat=0): SET GLOBAL userstat=1 (and userstat=1 in the server configuration) to count reads per index'
          : 'performance_schema is off on this server: start it with performance_schema=ON to count reads per index';
      return {
        unit: 'rows_read',
        readAt,
        serverStart,
        statsReset: null,
        tracksLastScan: false,
        countersStartKnown: false,
        missingMeansUnread: true,
        unavailable,
        counters,
      };
    },
    async foreignKeys(db: Database, tables: readonly TableRef[]) {
      if (tables.length === 0) return [];
      const statement = catalogStatement(
        {
          select: `select TABLE_SCHEMA as table_schema, TABLE_NAME as table_name, CONSTRAINT_NAME as name,
             COLUMN_NAME as column_name, ORDINAL_POSITION as ordinal_position
           from information_schema.KEY_COLUMN_USAGE`,
          schemaColumn: 'TABLE_SCHEMA',
          tableColumn: 'TABLE_NAME',
          and: 'and REFERENCED_TABLE_NAME is not null',
          orderBy: 'table_schema, table_name, name, ordinal_position',
        },
        tables,
        flavorFeatures(server),
      );
      const rows = await db.query(statement.sql, statement.bindings);
      const keys = new Map<string, ForeignKey>();
      for (const row of rows) {
        const id = `${row.table_schema}\u0000${row.table_name}\u0000${row.name}`;
        const key = keys.get(id) ?? {
          schema: String(row.table_schema),
          table: String(row.table_name),
          name: String(row.name),
          columns: [],
        };
        key.columns.push(String(row.column_name));
        keys.set(id, key);
      }
      return [...keys.values()];
    },
  };
}
