import type { Database, ServerInfo } from '../../connection/database.js';
import type { TableRef } from '../../model/schema.js';
import type { ForeignKey, IndexCounter, UsageDialect } from '../usage-types.js';
import { postgresFeatures } from './version.js';

const wantedTables = 'json_to_recordset(?::json) as w(schema_name text, table_name text)';

// Every index of the tables asked for, with the server's clock, start and the database's statistics reset.
const usageQuery = (lastScan: boolean) => `
select s.schemaname as schema, s.relname as table, s.indexrelname as index, s.idx_scan::text as scans,
  ${lastScan ? 's.last_idx_scan' : 'null::timestamptz'} as last_scan
from pg_stat_user_indexes s join ${wantedTables} on w.schema_name = s.schemaname and w.table_name = s.relname`;

const clockQuery = `
select now() as now, pg_postmaster_start_time() as server_start,
  (select stats_reset from pg_stat_database where datname = current_database()) as stats_reset`;

const foreignKeyQuery = `
select n.nspname as schema, c.relname as table, con.conname as name,
  (select array_agg(a.attname::text order by k.ord) from unnest(con.conkey) with ordinality as k(attnum, ord)
     join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum) as columns
from pg_constraint con
join pg_class c on c.oid = con.conrelid
join pg_namespace n on n.oid = c.relnamespace
join ${wantedTables} on w.schema_name = n.nspname and w.table_name = c.relname
where con.contype = 'f'`;

function dateOf(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

function wanted(tables: readonly TableRef[]): string {
  return JSON.stringify(tables.map((table) => ({ schema_name: table.schema, table_name: table.name })));
}

/** PostgreSQL usage: `pg_stat_user_indexes` (idx_scan, and last_idx_scan from 16), `stats_reset`, server start. */
export function createPostgresUsage(server: ServerInfo): UsageDialect {
  const { lastIdxScan } = postgresFeatures(server);
  return {
    unit: 'scans',
    async readUsage(db: Database, tables) {
      const [clock] = await db.query(clockQuery);
      const rows = tables.length > 0 ? await db.query(usageQuery(lastIdxScan), [wanted(tables)]) : [];
      const counters: IndexCounter[] = rows.map((row) => ({
        schema: String(row.schema),
        table: String(row.table),
        index: String(row.index),
        scans: Number(row.scans),
        lastScan: dateOf(row.last_scan),
      }));
      return {
        unit: 'scans',
        readAt: dateOf(clock?.now) ?? new Date(),
        serverStart: dateOf(clock?.server_start),
        statsReset: dateOf(clock?.stats_reset),
        tracksLastScan: lastIdxScan,
        countersStartKnown: true,
        missingMeansUnread: false,
        unavailable: null,
        counters,
      };
    },
    async foreignKeys(db: Database, tables) {
      if (tables.length === 0) return [];
      const rows = await db.query(foreignKeyQuery, [wanted(tables)]);
      return rows.map((row) => ({
        schema: String(row.schema),
        table: String(row.table),
        name: String(row.name),
        columns: (row.columns as string[] | null) ?? [],
      })) satisfies ForeignKey[];
    },
  };
}
