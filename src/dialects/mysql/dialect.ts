import type { ServerInfo } from '../../connection/database.js';
import type { Dialect } from '../types.js';
import { canonicalizeMysql } from './canonicalize.js';
import { renderKeyLine } from './definition.js';
import { createMysqlExecutor } from './execute.js';
import { createMysqlExplain } from './explain.js';
import { flavorFeatures, mysqlCapabilities } from './flavor.js';
import { quoteMysqlIdent, quoteMysqlLiteral } from './identifiers.js';
import { introspectMysql } from './introspect.js';
import { tableAfterChange } from './key-order.js';
import { listMysqlIndexedTables } from './list-tables.js';
import { probeMysqlOnline } from './probe.js';
import { renderMysqlChange } from './render.js';
import { createMysqlReplicaReader } from './replicas.js';
import { createMysqlUsage } from './usage.js';
import { validateMysqlIndex } from './validate.js';

/** The MySQL/MariaDB dialect; the flavor and version of `server` decide what is legal. */
export function createMysqlDialect(server: ServerInfo): Dialect {
  const features = flavorFeatures(server);
  return {
    server,
    capabilities: mysqlCapabilities(features),
    executor: createMysqlExecutor(server),
    explain: createMysqlExplain(server),
    usage: createMysqlUsage(server),
    createReplicaReader: createMysqlReplicaReader,
    quoteIdent: quoteMysqlIdent,
    quoteLiteral: quoteMysqlLiteral,
    introspect: (db, tables) => introspectMysql(db, tables, features),
    canonicalize: canonicalizeMysql,
    validateIndex: (index, table) => validateMysqlIndex(index, table, features),
    listIndexedTables: listMysqlIndexedTables,
    renderChange: (change, table) => renderMysqlChange(change, table, features),
    // MySQL/MariaDB builds either finish or leave nothing behind, and a replace is one ALTER (drop and
    // add together): no temporary name exists to be left
    leftoverOf: () => null,
    tableAfter: (change, table) => tableAfterChange(change, table, features),
    renderDefinition: (index) => renderKeyLine(index, features),
    probeOnline: (db, changes, live, lockTimeoutMs) => probeMysqlOnline(db, changes, live, lockTimeoutMs, features),
  };
}
