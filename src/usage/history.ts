import type { Database } from '../connection/database.js';
import type { IndexCounter, UsageReading } from '../dialects/usage-types.js';
import { usageTable } from '../state/migrate.js';
import { column, insertRows, selectRows, tableExists } from '../state/statements.js';
import type { CounterPoint } from './types.js';

/** Key of one index on one source in the maps below. */
export function counterKey(source: string, schema: string, table: string, index: string): string {
  return [source, schema, table, index].join('\u0000');
}

const date = (value: unknown): Date | null => (value == null ? null : new Date(value as string));

/** Stores one reading of one source as a snapshot: one row per index. */
export async function recordSnapshot(
  db: Database,
  source: string,
  reading: UsageReading,
  counters: readonly IndexCounter[],
): Promise<void> {
  if (counters.length === 0) return;
  const rows = counters.map((counter) => ({
    source,
    recorded_at: reading.readAt,
    unit: reading.unit,
    server_start: reading.serverStart,
    stats_reset: reading.statsReset,
    table_schema: counter.schema,
    table_name: counter.table,
    index_name: counter.index,
    scans: counter.scans,
    last_scan: counter.lastScan,
  }));
  for (let i = 0; i < rows.length; i += 500) await insertRows(db, usageTable, rows.slice(i, i + 500));
}

/**
 * The stored snapshots of the sources that matter for a window ending now: for each source, the newest
 * snapshot taken before the window started and every later one, oldest first, keyed by `counterKey`.
 */
export async function readSnapshots(
  db: Database,
  sources: readonly string[],
  windowStart: Date,
): Promise<Map<string, CounterPoint[]>> {
  const points = new Map<string, CounterPoint[]>();
  if (sources.length === 0 || !(await tableExists(db, usageTable))) return points;
  const q = (name: string) => column(db, name);
  const baselines = await db.query(
    `select ${q('source')} as source, max(${q('recorded_at')}) as at from ${q(usageTable)} ` +
      `where ${q('source')} in (${sources.map(() => '?').join(', ')}) and ${q('recorded_at')} <= ? group by ${q('source')}`,
    [...sources, windowStart],
  );
  const from = new Map(baselines.map((row) => [String(row.source), date(row.at)!]));
  for (const source of sources) {
    const rows = await selectRows(db, usageTable, {
      where: `${q('source')} = ? and ${q('recorded_at')} >= ?`,
      bindings: [source, from.get(source) ?? windowStart],
      order: `${q('recorded_at')} asc, ${q('id')} asc`,
    });
    for (const row of rows) {
      const key = counterKey(source, String(row.table_schema), String(row.table_name), String(row.index_name));
      const list = points.get(key) ?? [];
      list.push({
        at: date(row.recorded_at)!,
        scans: Number(row.scans),
        lastScan: date(row.last_scan),
        serverStart: date(row.server_start),
        statsReset: date(row.stats_reset),
      });
      points.set(key, list);
    }
  }
  return points;
}
