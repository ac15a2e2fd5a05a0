import type { ServerInfo } from '../../connection/database.js';
import type { Index } from '../../model/index-model.js';
import { LiveIndex } from '../../model/schema.js';
import type { Capabilities, Dialect, LeftoverKind } from '../types.js';
import { canonicalizeIndexes } from './canonicalize.js';
import { formatDefinition, piecesOf } from './definition.js';
import { createPostgresExecutor } from './execute.js';
import { createPostgresExplain } from './explain.js';
import {
  defaultQuotedKeywords,
  maxIdentifierBytes,
  quoteIdent,
  quoteIdentLikeServer,
  quoteLiteral,
} from './identifiers.js';
import { postgresIndexProperties } from './index-properties.js';
import { introspectTables } from './introspect.js';
import { listPostgresIndexedTables } from './list-tables.js';
import { renderPostgresChange, temporaryName } from './render.js';
import { createPostgresReplicaReader } from './replicas.js';
import { createPostgresUsage } from './usage.js';
import { maxIndexColumns, validatePostgresIndex } from './validate.js';
import { postgresFeatures } from './version.js';

/** What PostgreSQL 12+ can do with indexes. */
const postgresCapabilities: Capabilities = {
  invisibleIndex: null,
  partialIndex: true,
  includeColumns: true,
  prefixLength: false,
  expressionKeyParts: true,
  nullsOrder: true,
  methods: ['btree', 'hash', 'gin', 'gist', 'brin', 'spgist'],
  maxIdentifierLength: maxIdentifierBytes,
  identifierLengthUnit: 'bytes',
  indexNamesIgnoreCase: false,
  columnNamesIgnoreCase: false,
  maxKeyParts: maxIndexColumns,
};

/**
 * Names a failed operation leaves, and what they are of: REINDEX CONCURRENTLY's `<name>_ccnew[N]` and
 * `<name>_ccold[N]`, and the tool's own `<name>_si_new` (see `temporaryName`: a replacement built and
 * not yet renamed). One entry per kind; `temporary` makes the name from the index name it belongs to.
 */
const leftoverNames: { kind: LeftoverKind; pattern: RegExp; temporary?: (name: string) => string }[] = [
  { kind: 'ccnew', pattern: /^(.+)_ccnew\d*$/ },
  { kind: 'ccold', pattern: /^(.+)_ccold\d*$/ },
  { kind: 'si_new', pattern: /^(.+)_si_new$/, temporary: temporaryName },
];

/** What a live PostgreSQL index left by a failed operation is, or null; `managed`: the plans' names on its table. */
function leftoverOfPostgres(index: LiveIndex, managed: readonly string[]): { kind: LeftoverKind; of: string } | null {
  // a name a plan manages is that index, whatever its suffix
  if (managed.includes(index.name)) {
    return index.live.valid ? null : { kind: index.live.partitioned ? 'invalid_parent' : 'invalid', of: index.name };
  }
  for (const { kind, pattern, temporary } of leftoverNames) {
    const owner = temporary ? managed.find((name) => temporary(name) === index.name) : undefined;
    if (owner) return { kind, of: owner };
    const match = pattern.exec(index.name);
    if (match?.[1]) return { kind, of: match[1] };
  }
  if (!index.live.valid) return { kind: index.live.partitioned ? 'invalid_parent' : 'invalid', of: index.name };
  return null;
}

/** The PostgreSQL dialect for one connected server. */
export function createPostgresDialect(server: ServerInfo): Dialect {
  // the server's own list, learnt at introspection; until then the PostgreSQL 15 list
  let quotedKeywords: ReadonlySet<string> = defaultQuotedKeywords;
  return {
    server,
    capabilities: postgresCapabilities,
    executor: createPostgresExecutor(server),
    explain: createPostgresExplain(),
    usage: createPostgresUsage(server),
    createReplicaReader: createPostgresReplicaReader,
    quoteIdent,
    quoteLiteral,
    async introspect(db, tables, options) {
      const result = await introspectTables(db.query, tables, options?.relationNames ?? []);
      if (result.quotedKeywords.size > 0) quotedKeywords = result.quotedKeywords;
      return result.schema;
    },
    canonicalize: canonicalizeIndexes,
    validateIndex: (index, table) => validatePostgresIndex(index, table, server.major),
    listIndexedTables: listPostgresIndexedTables,
    leftoverOf: leftoverOfPostgres,
    indexProperties: postgresIndexProperties,
    renderChange(change, table) {
      // a concurrent build on a server that can corrupt it is refused, with the reason, at plan time
      const refusal = postgresFeatures(server).concurrentBuildRefusal;
      if (refusal && (change.action === 'create' || change.action === 'replace') && !change.prebuilt) {
        return { sql: [], rollback: [], online: false, onlineReason: refusal, reversible: false, lockImpact: 'none' };
      }
      return renderPostgresChange(change, table);
    },
    // each change of a table is rendered on its own: no step's SQL depends on the table's other indexes
    tableAfter: (_change, table) => table,
    renderDefinition(index: Index) {
      if (index instanceof LiveIndex) return index.live.definition;
      const quote = (name: string) => quoteIdentLikeServer(name, quotedKeywords);
      return formatDefinition(piecesOf(index, quote, { concurrently: false, only: false, forDdl: false }));
    },
  };
}
