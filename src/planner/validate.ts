import type { Dialect, IndexProblem } from '../dialects/types.js';
import type { ErrorCode, PlanProblem, SourcePosition } from '../errors.js';
import type { Index } from '../model/index-model.js';
import type { LiveTable } from '../model/schema.js';
import type { PlanIndexSpec } from '../plan-file/types.js';

function at(spec: PlanIndexSpec, key: string): SourcePosition {
  return spec.positions[key] ?? spec.source;
}

function located(spec: PlanIndexSpec, key: string, problem: IndexProblem): PlanProblem {
  return { ...problem, ...at(spec, key), index: spec.name, table: spec.table };
}

/** A problem of one plan entry, at the position of its key `key` (`''`: the entry itself). */
export function entryProblem(spec: PlanIndexSpec, code: ErrorCode, message: string, key = ''): PlanProblem {
  return located(spec, key, { code, message });
}

function nameLength(name: string, unit: 'bytes' | 'characters'): number {
  return unit === 'bytes' ? Buffer.byteLength(name, 'utf8') : [...name].length;
}

/** Checks a plan entry against the live table and the server's capabilities; returns located problems. */
export function validateEntry(
  spec: PlanIndexSpec,
  index: Index,
  table: LiveTable | undefined,
  dialect: Dialect,
): PlanProblem[] {
  const caps = dialect.capabilities;
  const problems: PlanProblem[] = [];
  const flavor = `${dialect.server.flavor} ${dialect.server.version}`;
  const add = (key: string, code: ErrorCode, message: string) => problems.push(located(spec, key, { code, message }));

  const limit = caps.maxIdentifierLength;
  if (nameLength(spec.name, caps.identifierLengthUnit) > limit) {
    add(
      'name',
      'name_too_long',
      `index name "${spec.name}" is longer than ${limit} ${caps.identifierLengthUnit} (${flavor} would ${
        caps.identifierLengthUnit === 'bytes' ? 'silently truncate it' : 'refuse it'
      })`,
    );
  }
  if (!table) {
    add('table', 'unknown_table', `table "${index.schema}"."${spec.table}" does not exist`);
    return problems;
  }
  if (spec.state === 'disabled' && !caps.invisibleIndex) {
    add(
      'state',
      'disable_unsupported',
      `state: disabled needs an index the optimizer can be told to ignore, which ${flavor} does not have (MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED); ` +
        'to retire this index, check its usage with `safe-index usage` and estimate the plans without it with `safe-index plan --what-if` on a `state: absent` entry',
    );
  }
  if (spec.state === 'absent' || problems.length > 0) return problems;
  if (spec.state === 'disabled' && spec.columns.length === 0) return problems;

  if (spec.using !== undefined && !caps.methods.includes(spec.using)) {
    add(
      'using',
      'illegal_option',
      `using: ${spec.using} is not available on ${flavor} (use ${caps.methods.join(', ')})`,
    );
  }
  if (spec.where !== undefined && !caps.partialIndex) {
    add('where', 'illegal_option', `where: partial indexes are not supported on ${flavor}`);
  }
  if (spec.include.length > 0 && !caps.includeColumns) {
    add('include', 'illegal_option', `include: covering columns are not supported on ${flavor}`);
  }
  if (caps.maxKeyParts !== null && index.keyParts.length > caps.maxKeyParts) {
    add(
      'columns',
      'too_many_key_parts',
      `${index.keyParts.length} key parts; ${flavor} allows at most ${caps.maxKeyParts}`,
    );
  }
  const folded = (name: string) => (caps.columnNamesIgnoreCase ? name.toLowerCase() : name);
  const columns = new Set(table.columns.map((column) => folded(column.name)));
  index.keyParts.forEach((part, i) => {
    const key = `columns.${i}`;
    if (part.column !== undefined && !columns.has(folded(part.column))) {
      add(key, 'unknown_column', `column "${part.column}" does not exist in table "${spec.table}"`);
    }
    if (part.expression !== undefined && !caps.expressionKeyParts) {
      add(key, 'illegal_option', `expression key parts are not supported on ${flavor}`);
    }
    if (part.length !== undefined && !caps.prefixLength) {
      add(`${key}.length`, 'illegal_option', `length: prefix lengths are not supported on ${flavor}`);
    }
    if (part.nulls !== undefined && !caps.nullsOrder) {
      add(`${key}.nulls`, 'illegal_option', `nulls: NULLS FIRST/LAST is not supported on ${flavor}`);
    }
  });
  spec.include.forEach((column, i) => {
    if (!columns.has(folded(column))) {
      add(`include.${i}`, 'unknown_column', `include column "${column}" does not exist in table "${spec.table}"`);
    }
  });
  if (problems.length > 0) return problems;
  for (const problem of dialect.validateIndex(index, table)) problems.push(located(spec, 'columns', problem));
  return problems;
}

/**
 * Where index names compare without case (MySQL/MariaDB), two entries of one table whose names differ
 * only by case name one index, and an entry whose name matches a live index only ignoring case would be
 * planned as a create the server refuses (error 1061). Both are plan errors at the entry's name.
 */
export function nameCaseProblems(
  entries: readonly { spec: PlanIndexSpec; table: LiveTable | undefined; tableKey: string }[],
  dialect: Dialect,
): PlanProblem[] {
  if (!dialect.capabilities.indexNamesIgnoreCase) return [];
  const problems: PlanProblem[] = [];
  const seen = new Map<string, PlanIndexSpec>();
  for (const { spec, table, tableKey } of entries) {
    const folded = `${tableKey}\u0000${spec.name.toLowerCase()}`;
    const first = seen.get(folded);
    if (first && first.name !== spec.name) {
      const where = `${first.source.file}:${first.source.line}:${first.source.column}`;
      const message = `index "${spec.name}" and "${first.name}" (at ${where}) on table "${spec.table}" differ only by case; ${dialect.server.flavor} compares index names without case, so they name one index`;
      problems.push(entryProblem(spec, 'name_case_conflict', message, 'name'));
      continue;
    }
    if (!first) seen.set(folded, spec);
    if (!table || table.indexes.some((index) => index.name === spec.name)) continue;
    const live = table.indexes.find((index) => index.name.toLowerCase() === spec.name.toLowerCase());
    if (live) {
      const message = `index "${spec.name}" is live on table "${spec.table}" as "${live.name}"; ${dialect.server.flavor} compares index names without case: write the name as "${live.name}"`;
      problems.push(entryProblem(spec, 'name_case_conflict', message, 'name'));
    }
  }
  return problems;
}
