import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { targetFromUrl } from '../connection/target.js';
import { targetRulesOf } from '../dialects/target-rules.js';
import { type ErrorCode, PlanError, type PlanProblem, type SourcePosition } from '../errors.js';
import { decodeUtf8, parseYamlSource, problemsFromZod, type SourceMap } from '../plan-file/yaml-source.js';

/** One database of a fleet, resolved: its URL read (from the file or its environment variable) and checked. */
export interface FleetTarget {
  name: string;
  /** The URL to connect with; may carry a password, so it is never printed. */
  url: string;
  /** The URL as it may be printed (password `***`). */
  display: string;
  /** Replica URLs (env vars resolved), handed to the same mechanism as `--replica`. */
  replicas: string[];
  /** Where the target is declared. */
  source: SourcePosition;
}

/** A fleet file, validated: its targets in file order and the waves they run in. */
export interface Fleet {
  file: string;
  targets: FleetTarget[];
  /** Ordered waves; every target is in exactly one. */
  waves: FleetTarget[][];
  /** Every secret the fleet's URLs carry, to scrub from text that leaves the tool. */
  secrets: string[];
}

/** A target name: also a folder name under `--rollback-dir`, so no path separators or dots first. */
const targetName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'a target name is letters, digits, ".", "_" and "-" (not first)')
  .max(128);

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const urlLike = /^[a-z][a-z0-9+.-]*:\/\//i;

const fleetSchema = z
  .strictObject({
    targets: z
      .array(
        z
          .strictObject({
            name: targetName,
            url: z.string().min(1).optional(),
            url_env: z.string().regex(envName, 'an environment variable name').optional(),
            replicas: z.array(z.string().min(1)).optional(),
          })
          .refine((target) => (target.url === undefined) !== (target.url_env === undefined), {
            message: 'a target needs exactly one of `url` or `url_env`',
          }),
      )
      .min(1, 'a fleet needs at least one target'),
    canary: targetName.optional(),
    waves: z.array(z.array(targetName).min(1, 'a wave needs at least one target')).min(1).optional(),
  })
  .refine((fleet) => fleet.canary === undefined || fleet.waves === undefined, {
    message: 'give `canary` or `waves`, not both',
    path: ['waves'],
  });

type FleetFileShape = z.infer<typeof fleetSchema>;

/** The database a URL reaches, whatever the spelling: scheme family, loopback host, default port, no user or password. */
function databaseKey(url: string): string {
  const target = targetFromUrl(url);
  const settings = target.knexConfig.connection as Record<string, unknown>;
  const rawHost = String(settings.socketPath ?? settings.host ?? '').toLowerCase();
  const host = ['localhost', '127.0.0.1', '::1', '[::1]', ''].includes(rawHost) ? 'loopback' : rawHost;
  const database = String(settings.database ?? targetRulesOf(target.dialect).defaultDatabase(settings.user));
  return `${target.dialect}://${host}:${settings.socketPath ? '' : String(settings.port)}/${database}`;
}

/** Checks a URL parses as a database URL; the problem message never carries its password. */
function urlProblem(url: string): string | undefined {
  try {
    targetFromUrl(url);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Resolves targets, their environment variables and waves; every problem carries file:line:col. */
function resolveFleet(
  file: string,
  data: FleetFileShape,
  where: SourceMap,
  env: NodeJS.ProcessEnv,
): { fleet?: Fleet; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const problem = (code: ErrorCode, message: string, at: SourcePosition) =>
    problems.push({ code, message, ...at, file });
  const byName = new Map<string, FleetTarget>();
  const byDatabase = new Map<string, FleetTarget>();
  const secrets: string[] = [];
  const targets: FleetTarget[] = [];
  for (const [i, entry] of data.targets.entries()) {
    const base = ['targets', i];
    const source = where.of(base);
    const first = byName.get(entry.name);
    if (first) {
      problem(
        'fleet_duplicate_name',
        `target "${entry.name}" is declared twice (first at ${first.source.file}:${first.source.line})`,
        where.of([...base, 'name']),
      );
      continue;
    }
    const urlAt = where.of([...base, entry.url !== undefined ? 'url' : 'url_env']);
    let url = entry.url;
    if (entry.url_env !== undefined) {
      url = env[entry.url_env];
      if (!url) {
        problem('fleet_missing_env', `target "${entry.name}": environment variable ${entry.url_env} is not set`, urlAt);
        continue;
      }
    }
    const bad = urlProblem(url!);
    if (bad) {
      problem('fleet_invalid_url', `target "${entry.name}": ${bad}`, urlAt);
      continue;
    }
    const target = targetFromUrl(url!);
    secrets.push(...target.secrets);
    const replicas: string[] = [];
    for (const [j, replica] of (entry.replicas ?? []).entries()) {
      const at = where.of([...base, 'replicas', j]);
      const replicaUrl = urlLike.test(replica) ? replica : env[replica];
      if (!urlLike.test(replica) && !envName.test(replica)) {
        problem(
          'fleet_invalid_value',
          `target "${entry.name}": a replica is a URL or an environment variable name`,
          at,
        );
      } else if (!replicaUrl) {
        problem('fleet_missing_env', `target "${entry.name}": environment variable ${replica} is not set`, at);
      } else if (urlProblem(replicaUrl)) {
        problem('fleet_invalid_url', `target "${entry.name}": replica: ${urlProblem(replicaUrl)}`, at);
      } else if (targetFromUrl(replicaUrl).dialect !== target.dialect) {
        problem(
          'fleet_invalid_url',
          `target "${entry.name}": a replica of another kind of server than its primary`,
          at,
        );
      } else {
        secrets.push(...targetFromUrl(replicaUrl).secrets);
        replicas.push(replicaUrl);
      }
    }
    const resolved: FleetTarget = { name: entry.name, url: url!, display: target.display, replicas, source };
    const key = databaseKey(url!);
    const same = byDatabase.get(key);
    if (same) {
      problem(
        'fleet_duplicate_url',
        `targets "${same.name}" (${same.source.file}:${same.source.line}) and "${entry.name}" are the same database (${target.display})`,
        urlAt,
      );
    } else byDatabase.set(key, resolved);
    byName.set(entry.name, resolved);
    targets.push(resolved);
  }
  // declared names, each once (a name declared twice is reported above, not again for its wave)
  const declared = new Set(data.targets.map((target) => target.name));
  const waveNames: { name: string; at: SourcePosition }[][] = [];
  if (data.waves) {
    for (const [w, wave] of data.waves.entries())
      waveNames.push(wave.map((name, k) => ({ name, at: where.of(['waves', w, k]) })));
  } else if (data.canary !== undefined) {
    const at = where.of(['canary']);
    waveNames.push([{ name: data.canary, at }]);
    const rest = [...declared].filter((name) => name !== data.canary);
    if (rest.length > 0) waveNames.push(rest.map((name) => ({ name, at })));
  } else waveNames.push([...declared].map((name) => ({ name, at: where.of(['targets']) })));
  const placed = new Map<string, SourcePosition>();
  for (const wave of waveNames) {
    for (const { name, at } of wave) {
      if (!declared.has(name)) problem('fleet_unknown_target', `unknown target "${name}" (not under \`targets\`)`, at);
      else if (placed.has(name))
        problem(
          'fleet_duplicate_wave',
          `target "${name}" is in more than one wave (first at line ${placed.get(name)!.line})`,
          at,
        );
      else placed.set(name, at);
    }
  }
  for (const [i, entry] of data.targets.entries()) {
    if (!placed.has(entry.name) && byName.has(entry.name))
      problem('fleet_unplaced_target', `target "${entry.name}" is in no wave`, where.of(['targets', i, 'name']));
  }
  if (problems.length > 0) return { problems };
  const waves = waveNames.map((wave) => wave.map(({ name }) => byName.get(name)!));
  return { fleet: { file, targets, waves, secrets }, problems };
}

/**
 * Reads and validates a fleet file (`--targets FILE`) without connecting anywhere: schema, names, URLs
 * and their environment variables, the same database twice, waves. Throws PlanError with file:line:col.
 */
export async function loadFleet(file: string, env: NodeJS.ProcessEnv = process.env): Promise<Fleet> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new PlanError([
      { code: 'fleet_not_found', message: `cannot read the fleet file ${file}: ${(error as Error).message}`, file },
    ]);
  }
  const text = decodeUtf8(file, bytes, 'fleet_encoding', 'fleet file');
  const { value, map: where } = parseYamlSource(file, text, 'fleet_yaml');
  const parsed = fleetSchema.safeParse(value);
  if (!parsed.success) {
    throw new PlanError(
      problemsFromZod(parsed.error, where, file, {
        unknownKey: 'fleet_unknown_key',
        invalidValue: 'fleet_invalid_value',
      }),
    );
  }
  const { fleet, problems } = resolveFleet(file, parsed.data, where, env);
  if (!fleet) throw new PlanError(problems);
  return fleet;
}
