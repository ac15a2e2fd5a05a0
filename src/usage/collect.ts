import { type Database, openDatabase } from '../connection/database.js';
import { resolveTarget } from '../connection/target.js';
import { dialectOf } from '../dialects/index.js';
import type { IndexCounter, UsageReading } from '../dialects/usage-types.js';
import { neededByForeignKeys, redundantTo } from '../diff/redundancy.js';
import type { LiveSchema, TableRef } from '../model/schema.js';
import { replicaConnectTimeoutMs, withConnectTimeout } from '../replicas/connection.js';
import { counterKey, readSnapshots, recordSnapshot } from './history.js';
import type { UsageVerdict } from './types.js';
import { combineVerdicts, countersSince, judgeSource } from './verdict.js';

/** One source (the primary or a replica) as `usage` read it. */
export interface UsageSource {
  target: string;
  unit: 'scans' | 'rows_read';
  /** When its counters start: the later of the statistics reset and the server start. */
  since: Date | null;
  serverStart: Date | null;
  statsReset: Date | null;
  /** Why its counters could not be read (statistics off, unreachable), or null. */
  unavailable: string | null;
  /** Resets and restarts detected between its readings. */
  resets: string[];
}

/** One index on one source. */
export interface IndexSourceUsage {
  target: string;
  /** The counter now (scans or rows read since `since`); null where the source has none for the index. */
  scans: number | null;
  unit: 'scans' | 'rows_read';
  lastScan: Date | null;
  since: Date | null;
  verdict: UsageVerdict;
  /** Scans counted within the window, where known. */
  windowScans: number | null;
  reason: string;
}

/** One index with its usage on every source, its redundancy and the constraint or keys that need it. */
export interface IndexUsage {
  schema: string;
  table: string;
  index: string;
  /** Named by a plan entry. */
  managed: boolean;
  /** Backs a PRIMARY KEY, UNIQUE or exclusion constraint (or is a unique index). */
  constraint: boolean;
  sizeBytes: number | null;
  verdict: UsageVerdict;
  redundantTo: string[];
  /** Foreign keys for which this is the only index starting with their columns. */
  neededByForeignKeys: string[];
  sources: IndexSourceUsage[];
}

/** What `usage` found: every index of the tables, per source, with a verdict over the window. */
export interface UsageReport {
  windowMs: number;
  /** True when this reading was stored as a snapshot. */
  recorded: boolean;
  sources: UsageSource[];
  indexes: IndexUsage[];
}

/** How usage is read and judged. */
export interface UsageOptions {
  /** Replica URLs, read the same way as the primary. */
  replicas: readonly string[];
  windowMs: number;
  /** Store this reading as a snapshot (the state tables must exist). */
  record: boolean;
  /** Keys (`tableKey` + `.` + index name) of the indexes plans name. */
  managed?: ReadonlySet<string>;
}

interface SourceReading {
  target: string;
  reading: UsageReading | null;
  error: string | null;
}

/** On a replica standing in under another database name (MySQL), the primary's default schema is its own. */
function tablesOn(source: Database, primary: Database, tables: readonly TableRef[]): TableRef[] {
  const from = primary.server.defaultSchema;
  const to = source.server.defaultSchema;
  return tables.map((table) => (table.schema === from && from !== to ? { ...table, schema: to } : table));
}

async function readSource(source: Database, primary: Database, tables: readonly TableRef[]): Promise<UsageReading> {
  const reading = await dialectOf(source).usage.readUsage(source, tablesOn(source, primary, tables));
  const from = source.server.defaultSchema;
  const to = primary.server.defaultSchema;
  if (from === to) return reading;
  const counters = reading.counters.map((counter) => (counter.schema === from ? { ...counter, schema: to } : counter));
  return { ...reading, counters };
}

async function readReplica(url: string, primary: Database, tables: readonly TableRef[]): Promise<SourceReading> {
  let target = url;
  try {
    const resolved = withConnectTimeout(await resolveTarget({ url }), replicaConnectTimeoutMs);
    target = resolved.display;
    const replica = await openDatabase(resolved);
    try {
      return { target, reading: await readSource(replica, primary, tables), error: null };
    } finally {
      await replica.close();
    }
  } catch (error) {
    return { target, reading: null, error: `unreachable: ${(error as Error).message}` };
  }
}

/** Every live index's counter on a source: zero where the source lists only indexes that were read. */
function countersOf(live: LiveSchema, reading: UsageReading): IndexCounter[] {
  const listed = new Map(reading.counters.map((c) => [counterKey('', c.schema, c.table, c.index), c]));
  const all: IndexCounter[] = [];
  for (const table of live.tables.values()) {
    for (const index of table.indexes) {
      const counter = listed.get(counterKey('', table.schema, table.name, index.name));
      if (counter) all.push(counter);
      else if (reading.missingMeansUnread) {
        all.push({ schema: table.schema, table: table.name, index: index.name, scans: 0, lastScan: null });
      }
    }
  }
  return all;
}

const tablesOf = (live: LiveSchema) =>
  [...live.tables.values()].map((table) => ({ schema: table.schema, name: table.name }));

/** The usage counters of every index of the live tables, read on the primary and each replica. */
async function readSources(
  db: Database,
  live: LiveSchema,
  replicas: readonly string[],
): Promise<{ readings: SourceReading[]; counters: Map<string, IndexCounter[]> }> {
  const tables = tablesOf(live);
  const readings: SourceReading[] = [];
  try {
    readings.push({ target: db.target.display, reading: await readSource(db, db, tables), error: null });
  } catch (error) {
    readings.push({ target: db.target.display, reading: null, error: (error as Error).message });
  }
  for (const url of replicas) readings.push(await readReplica(url, db, tables));
  const counters = new Map<string, IndexCounter[]>();
  for (const { target, reading } of readings) {
    if (reading && !reading.unavailable) counters.set(target, countersOf(live, reading));
  }
  return { readings, counters };
}

/** Stores each source's reading as a snapshot. */
async function recordReadings(
  db: Database,
  readings: readonly SourceReading[],
  counters: ReadonlyMap<string, IndexCounter[]>,
): Promise<void> {
  for (const { target, reading } of readings) {
    if (reading) await recordSnapshot(db, target, reading, counters.get(target) ?? []);
  }
}

/**
 * Reads index usage of the live tables on the primary and each replica and stores it as snapshots,
 * without judging it: what an apply that retires no index records (no stored history or foreign key
 * is read).
 */
export async function recordUsage(db: Database, live: LiveSchema, replicas: readonly string[]): Promise<void> {
  const { readings, counters } = await readSources(db, live, replicas);
  await recordReadings(db, readings, counters);
}

/**
 * Reads index usage of the live tables on the primary and each replica, judges every index over the
 * window from the stored snapshots and this reading, and stores the reading when asked.
 */
export async function collectUsage(db: Database, live: LiveSchema, options: UsageOptions): Promise<UsageReport> {
  const tables = tablesOf(live);
  const { readings, counters } = await readSources(db, live, options.replicas);
  const now = readings.find((r) => r.reading)?.reading?.readAt ?? new Date();
  const history = await readSnapshots(
    db,
    readings.map((r) => r.target),
    new Date(now.getTime() - options.windowMs),
  );
  if (options.record) await recordReadings(db, readings, counters);
  const usageDialect = dialectOf(db).usage;
  const foreignKeys = await usageDialect.foreignKeys(db, tables);
  const resets = new Map<string, Set<string>>(readings.map((r) => [r.target, new Set<string>()]));
  const indexes: IndexUsage[] = [];
  for (const table of live.tables.values()) {
    const tableKeys = foreignKeys.filter((key) => key.schema === table.schema && key.table === table.name);
    for (const index of table.indexes) {
      const sources = readings.map(({ target, reading, error }): IndexSourceUsage => {
        const unit = reading?.unit ?? usageDialect.unit;
        const counter = counters
          .get(target)
          ?.find((c) => c.schema === table.schema && c.table === table.name && c.index === index.name);
        const current =
          reading && counter
            ? { ...reading, at: reading.readAt, scans: counter.scans, lastScan: counter.lastScan }
            : null;
        const unavailable =
          error ?? reading?.unavailable ?? (counter ? null : 'the server keeps no usage counter for this index');
        const judgement = judgeSource({
          points: [
            ...(history.get(counterKey(target, table.schema, table.name, index.name)) ?? []),
            ...(current ? [current] : []),
          ],
          windowMs: options.windowMs,
          tracksLastScan: reading?.tracksLastScan ?? false,
          countersStartKnown: reading?.countersStartKnown ?? false,
          unavailable,
        });
        for (const text of judgement.resets) resets.get(target)?.add(text);
        return {
          target,
          scans: counter?.scans ?? null,
          unit,
          lastScan: counter?.lastScan ?? null,
          since: current ? countersSince(current) : null,
          verdict: judgement.verdict,
          windowScans: judgement.windowScans,
          reason: judgement.reason,
        };
      });
      indexes.push({
        schema: table.schema,
        table: table.name,
        index: index.name,
        managed: options.managed?.has(`${table.schema}.${table.name}.${index.name}`) ?? false,
        constraint: index.unique || index.live.constraint !== null,
        sizeBytes: index.live.sizeBytes ?? null,
        verdict: combineVerdicts(sources.map((source) => source.verdict)),
        redundantTo: redundantTo(index, table),
        neededByForeignKeys: neededByForeignKeys(index, table, tableKeys),
        sources,
      });
    }
  }
  return {
    windowMs: options.windowMs,
    recorded: options.record,
    sources: readings.map(({ target, reading, error }) => ({
      target,
      unit: reading?.unit ?? usageDialect.unit,
      since: reading ? countersSince({ ...reading, at: reading.readAt, scans: 0, lastScan: null }) : null,
      serverStart: reading?.serverStart ?? null,
      statsReset: reading?.statsReset ?? null,
      unavailable: error ?? reading?.unavailable ?? null,
      resets: [...(resets.get(target) ?? [])],
    })),
    indexes,
  };
}
