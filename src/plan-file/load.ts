import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PlanError, type PlanProblem, type SourcePosition } from '../errors.js';
import { parseDuration } from './duration.js';
import { planFileSchema } from './schema.js';
import {
  defaultSettings,
  type IndexPlan,
  type PlanFileInfo,
  type PlanIndexSpec,
  type PlanSettings,
  type VerifyQuery,
} from './types.js';
import { decodeUtf8, type Path, parseYamlSource, problemsFromZod, type SourceMap } from './yaml-source.js';

/** Finds plan files (.yml/.yaml) under the given files or folders, sorted for a stable order. */
export async function findPlanFiles(paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined);
    if (!info) throw new PlanError([{ code: 'plan_not_found', message: `plan path not found: ${given}` }]);
    if (info.isFile()) {
      found.push(given);
      continue;
    }
    const entries = await readdir(given, { recursive: true, withFileTypes: true });
    const files = entries
      .filter((entry) => entry.isFile() && /\.ya?ml$/i.test(entry.name))
      .map((entry) => path.join(entry.parentPath, entry.name))
      .sort();
    found.push(...files);
  }
  return [...new Set(found)];
}

interface ParsedFile {
  info: PlanFileInfo;
  settings: Partial<PlanSettings>;
  indexes: PlanIndexSpec[];
}

function positionsOf(map: SourceMap, base: Path, value: object): Record<string, SourcePosition> {
  const positions: Record<string, SourcePosition> = {};
  const walk = (keys: PropertyKey[], node: unknown) => {
    positions[keys.join('.')] = map.of([...base, ...keys]);
    if (Array.isArray(node)) for (const [i, item] of node.entries()) walk([...keys, i], item);
    else if (node && typeof node === 'object')
      for (const [key, child] of Object.entries(node)) walk([...keys, key], child);
  };
  for (const [key, child] of Object.entries(value)) walk([key], child);
  return positions;
}

/** The plan file's text; bytes that are not UTF-8 are a `plan_encoding` error at their line and column. */
async function readUtf8(file: string): Promise<string> {
  return decodeUtf8(file, await readFile(file), 'plan_encoding', 'plan');
}

/** Reads and validates one plan file; throws PlanError with file:line:col for every problem. */
export async function loadPlanFile(file: string): Promise<ParsedFile> {
  const text = await readUtf8(file);
  const { value, map } = parseYamlSource(file, text, 'plan_yaml');
  // jitless: zod otherwise compiles a fast path (new Function) for each object schema on its first parse,
  // which costs more than the one parse a plan file gets; the checks and the issues are the same
  const parsed = planFileSchema.safeParse(value, { jitless: true });
  if (!parsed.success) {
    throw new PlanError(
      problemsFromZod(parsed.error, map, file, { unknownKey: 'plan_unknown_key', invalidValue: 'plan_invalid_value' }),
    );
  }
  const settings: Partial<PlanSettings> = {};
  const raw = parsed.data.settings;
  if (raw?.lock_timeout !== undefined) settings.lockTimeoutMs = parseDuration(raw.lock_timeout);
  if (raw?.max_retries !== undefined) settings.maxRetries = raw.max_retries;
  if (raw?.snapshot_wait !== undefined) settings.snapshotWaitMs = parseDuration(raw.snapshot_wait);
  if (raw?.max_replica_lag !== undefined) settings.maxReplicaLagMs = parseDuration(raw.max_replica_lag);
  if (raw?.explain_runs !== undefined) settings.explainRuns = raw.explain_runs;
  if (raw?.max_regression !== undefined) settings.maxRegression = raw.max_regression;
  if (raw?.require_usage_evidence !== undefined) settings.requireUsageEvidence = raw.require_usage_evidence;
  const indexes = parsed.data.indexes.map((entry, i): PlanIndexSpec => {
    const base = ['indexes', i];
    const verify = entry.verify.map(
      (query, j): VerifyQuery => ({
        name: query.name,
        sql: query.sql,
        ...(query.expect ? { expect: query.expect } : {}),
        source: map.of([...base, 'verify', j, 'sql']),
      }),
    );
    return {
      name: entry.name,
      table: entry.table,
      ...(entry.schema !== undefined ? { schema: entry.schema } : {}),
      columns: entry.columns ?? [],
      unique: entry.unique,
      ...(entry.using !== undefined ? { using: entry.using } : {}),
      ...(entry.where !== undefined ? { where: entry.where } : {}),
      include: entry.include,
      state: entry.state,
      ...(entry.purpose !== undefined ? { purpose: entry.purpose } : {}),
      verify,
      source: map.of(base),
      positions: positionsOf(map, base, entry),
    };
  });
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { info: { path: file, sha256 }, settings, indexes };
}

/** Loads every plan file under `paths` (default `index-plans/`) and checks names are unique per table. */
export async function loadPlans(paths: readonly string[] = ['index-plans']): Promise<IndexPlan> {
  const files = await findPlanFiles(paths.length > 0 ? paths : ['index-plans']);
  if (files.length === 0) {
    throw new PlanError([{ code: 'plan_not_found', message: `no plan files (*.yml, *.yaml) in ${paths.join(', ')}` }]);
  }
  const problems: PlanProblem[] = [];
  const parsed: ParsedFile[] = [];
  for (const file of files) {
    try {
      parsed.push(await loadPlanFile(file));
    } catch (error) {
      if (error instanceof PlanError) problems.push(...error.problems);
      else throw error;
    }
  }
  const settings: PlanSettings = { ...defaultSettings };
  for (const file of parsed) Object.assign(settings, file.settings);
  const indexes = parsed.flatMap((file) => file.indexes);
  const seen = new Map<string, PlanIndexSpec>();
  for (const index of indexes) {
    const key = `${index.schema ?? ''}\u0000${index.table}\u0000${index.name}`;
    const first = seen.get(key);
    if (first) {
      problems.push({
        code: 'plan_duplicate_name',
        message: `index "${index.name}" on table "${index.table}" is declared twice (first at ${first.source.file}:${first.source.line}:${first.source.column})`,
        ...(index.positions.name ?? index.source),
        index: index.name,
        table: index.table,
      });
    } else seen.set(key, index);
  }
  if (problems.length > 0) throw new PlanError(problems);
  return { files: parsed.map((file) => file.info), settings, indexes };
}
