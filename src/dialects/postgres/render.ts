import { createHash } from 'node:crypto';
import type { Change, RenderedSql } from '../../model/change.js';
import type { Index } from '../../model/index-model.js';
import { constraintKeywords, LiveIndex, type LiveTable, type TableRef, tableKey } from '../../model/schema.js';
import { formatDefinition, piecesOf } from './definition.js';
import { fitIdentifier, quoteIdent, quoteLiteral, quoteQualified } from './identifiers.js';
import { clusterable } from './index-properties.js';
import { splitLiveDefinition, statementFromLive } from './live-definition.js';

/** Writes the CREATE INDEX statements of one definition, under any name, on any table. */
interface IndexBuilder {
  /** `CREATE ... INDEX CONCURRENTLY name ON table ...` */
  concurrent(name: string, on: TableRef): string;
  /** `CREATE ... INDEX name ON ONLY table ...` (partitioned parent, catalog only) */
  only(name: string, on: TableRef): string;
  /** `CREATE ... INDEX name ON table ...` (blocking build) */
  blocking(name: string, on: TableRef): string;
}

/** Statements that build an index, and whether they run online. */
interface BuildSql {
  sql: string[];
  /** Per statement of `sql`: what removes its effect, safe to run twice. */
  undo: string[][];
  online: boolean;
  onlineReason?: string;
}

const lockOfBuild = 'SHARE UPDATE EXCLUSIVE on the table: reads and writes continue; waits for older transactions';
const lockOfPartitionedBuild =
  'brief SHARE lock on the parent for the ON ONLY catalog entry (writes wait only for it), then ' +
  'SHARE UPDATE EXCLUSIVE per partition during each concurrent build; brief ACCESS EXCLUSIVE on each new partition index at ATTACH';
const lockOfDrop = 'SHARE UPDATE EXCLUSIVE (DROP INDEX CONCURRENTLY): reads and writes continue';
const lockOfPartitionedDrop = 'ACCESS EXCLUSIVE on the parent and every partition while the catalog entries go (brief)';
const lockOfRename = 'SHARE UPDATE EXCLUSIVE (ALTER INDEX ... RENAME): reads and writes continue';

/** The three statement shapes, from one writer of `CREATE ... INDEX [CONCURRENTLY] name ON [ONLY] table ...`. */
function indexBuilder(
  statement: (name: string, on: TableRef, concurrently: boolean, only: boolean) => string,
): IndexBuilder {
  return {
    concurrent: (name, on) => statement(name, on, true, false),
    only: (name, on) => statement(name, on, false, true),
    blocking: (name, on) => statement(name, on, false, false),
  };
}

/** Builds the desired definition; `tablespace` keeps a replacement where the index it replaces lives. */
function builderOfDesired(index: Index, tablespace?: string): IndexBuilder {
  return indexBuilder((name, on, concurrently, only) =>
    formatDefinition({
      ...piecesOf(index, quoteIdent, { concurrently, only, name, forDdl: true }),
      table: quoteQualified(on.schema, on.name),
      ...(tablespace === undefined ? {} : { tablespace: quoteIdent(tablespace) }),
    }),
  );
}

function builderOfLive(live: LiveIndex, table: TableRef): IndexBuilder | undefined {
  const parts = splitLiveDefinition(live, table);
  if (!parts) return undefined;
  return indexBuilder((name, on, concurrently, only) => statementFromLive(parts, name, on, { concurrently, only }));
}

/**
 * Name of the index built on the n-th partition for the parent index `name`. A short digest of the
 * definition keeps the old and new partition indexes of a replace apart.
 */
function partitionIndexName(name: string, position: number, definition: string): string {
  const digest = createHash('sha256').update(definition).digest('hex').slice(0, 6);
  return fitIdentifier(name, `_p${position + 1}_${digest}`);
}

/** Temporary name a replacement is built under before it is renamed (fits 63 bytes). */
export function temporaryName(name: string): string {
  return fitIdentifier(name, '_si_new');
}

/** The build of `name` on `ref`: concurrent, or the ON ONLY + per-partition + ATTACH pattern. */
function buildSql(
  builder: IndexBuilder,
  name: string,
  ref: TableRef,
  table: LiveTable | undefined,
  /** Names the partition indexes had (when an existing partitioned index is rebuilt by a rollback). */
  childNames?: LiveIndex['live']['partitionIndexes'],
): BuildSql {
  if (!table?.partitioned) {
    return { sql: [builder.concurrent(name, ref)], undo: [[dropIfExistsSql(ref, name, false)]], online: true };
  }
  if (!table.partitions) {
    return {
      sql: [builder.blocking(name, ref)],
      undo: [[dropIfExistsSql(ref, name, true)]],
      online: false,
      onlineReason:
        `partitioned table ${ref.schema}.${ref.name} has partitions that are partitioned or foreign themselves; ` +
        'only a plain CREATE INDEX on the parent is rendered, and it blocks writes on every partition for the whole build',
    };
  }
  const sql = [builder.only(name, ref)];
  // dropping the parent takes its attached partition indexes with it; unattached ones go one by one
  const dropParent = dropIfExistsSql(ref, name, true);
  const undo: string[][] = [[dropParent]];
  const fingerprint = builder.only('', ref);
  table.partitions.forEach((partition, position) => {
    const partName =
      childNames?.find((child) => tableKey(child.partition) === tableKey(partition))?.name ??
      partitionIndexName(name, position, fingerprint);
    sql.push(builder.concurrent(partName, partition));
    undo.push([dropIfExistsSql(partition, partName, false)]);
    sql.push(
      `ALTER INDEX ${quoteQualified(ref.schema, name)} ATTACH PARTITION ${quoteQualified(partition.schema, partName)}`,
    );
    undo.push([dropParent]);
  });
  return { sql, undo, online: true };
}

function dropSql(ref: TableRef, name: string, partitioned: boolean): string {
  return `DROP INDEX ${partitioned ? '' : 'CONCURRENTLY '}${quoteQualified(ref.schema, name)}`;
}

function dropIfExistsSql(ref: TableRef, name: string, partitioned: boolean): string {
  return `DROP INDEX ${partitioned ? '' : 'CONCURRENTLY '}IF EXISTS ${quoteQualified(ref.schema, name)}`;
}

/** Which properties of a live index a statement list restores on another (or the same) index. */
interface Carried {
  /** COMMENT and per-column statistics targets: part of the old definition, restored only by a rollback. */
  annotations: boolean;
  /** REPLICA IDENTITY and the CLUSTER mark: the table's, carried by every index that takes the old one's place. */
  tableMarks: boolean;
}

/** `ALTER TABLE ... REPLICA IDENTITY USING INDEX name` */
function replicaIdentitySql(ref: TableRef, name: string): string {
  return `ALTER TABLE ${quoteQualified(ref.schema, ref.name)} REPLICA IDENTITY USING INDEX ${quoteIdent(name)}`;
}

/** `ALTER TABLE ... CLUSTER ON name` */
function clusterOnSql(ref: TableRef, name: string): string {
  return `ALTER TABLE ${quoteQualified(ref.schema, ref.name)} CLUSTER ON ${quoteIdent(name)}`;
}

/**
 * Statements that give index `name` on `ref` the properties the server kept on `live` outside its
 * definition: its COMMENT, per-column statistics targets, the table's REPLICA IDENTITY and CLUSTER mark.
 */
function propertySql(live: LiveIndex, ref: TableRef, name: string, carried: Carried): string[] {
  const facts = live.live;
  const index = quoteQualified(ref.schema, name);
  const sql: string[] = [];
  if (carried.annotations) {
    if (facts.comment !== undefined) sql.push(`COMMENT ON INDEX ${index} IS ${quoteLiteral(facts.comment)}`);
    for (const { column, target } of facts.statisticsTargets ?? []) {
      sql.push(`ALTER INDEX ${index} ALTER COLUMN ${column} SET STATISTICS ${target}`);
    }
  }
  if (carried.tableMarks) {
    if (facts.replicaIdentity) sql.push(replicaIdentitySql(ref, name));
    if (facts.clustered) sql.push(clusterOnSql(ref, name));
  }
  return sql;
}

const all: Carried = { annotations: true, tableMarks: true };

/** The live index as if it had no CLUSTER mark (a new definition CLUSTER cannot use does not take it). */
function withoutClusterMark(live: LiveIndex): LiveIndex {
  return new LiveIndex(live, { ...live.live, clustered: false });
}

const lockOfReplicaIdentity =
  'brief ACCESS EXCLUSIVE on the table for ALTER TABLE ... REPLICA IDENTITY (catalog only; while it waits, at most the lock timeout, reads and writes queue behind it)';

function renameSql(ref: TableRef, from: string, to: string): string {
  return `ALTER INDEX ${quoteQualified(ref.schema, from)} RENAME TO ${quoteIdent(to)}`;
}

const partitionedDropReason =
  'DROP INDEX CONCURRENTLY is not supported on a partitioned index; DROP INDEX takes ACCESS EXCLUSIVE ' +
  'on the parent and every partition (catalog only, brief, but it queues reads and writes while it waits)';

/** Why DROP INDEX cannot remove this index at all, if it cannot. */
function undroppableReason(live: LiveIndex): string | undefined {
  if (live.live.constraint) {
    const kind = constraintKeywords[live.live.constraint];
    return `index ${live.name} backs a ${kind} constraint: it cannot be dropped with DROP INDEX, and this tool does not alter constraints`;
  }
  if (live.live.parentIndex) {
    return `index ${live.name} is attached to the partitioned index ${live.live.parentIndex}: it can only go with its parent`;
  }
  return undefined;
}

/** A change that cannot be done at all: no SQL, not online, not reversible (core must refuse it even with --allow-blocking). */
function refusal(reason: string): RenderedSql {
  return { sql: [], rollback: [], online: false, onlineReason: reason, reversible: false, lockImpact: 'not done' };
}

/**
 * Finishes an interrupted replace: the index already built under the temporary name (`prebuilt`) takes
 * the place of `live` (dropped first, when there is one) instead of a new build. The reverse is the
 * replace's: the old definition rebuilt when it was valid, else only the new index removed.
 */
function renderFinish(desired: Index, prebuilt: LiveIndex, live: LiveIndex | undefined): RenderedSql {
  const ref = { schema: desired.schema, name: desired.table };
  const rename = renameSql(ref, prebuilt.name, desired.name);
  const dropNew = dropSql(ref, desired.name, false);
  if (!live) {
    return { sql: [rename], rollback: [dropNew], online: true, reversible: true, lockImpact: lockOfRename };
  }
  const liveBuilder = live.live.valid ? builderOfLive(live, ref) : undefined;
  const rebuildOld = liveBuilder
    ? [
        ...buildSql(liveBuilder, live.name, ref, undefined).sql,
        ...propertySql(live, ref, live.name, { annotations: true, tableMarks: false }),
      ]
    : [];
  const reverse = liveBuilder ? buildSql(liveBuilder, prebuilt.name, ref, undefined).sql : undefined;
  // the run that built the replacement may have stopped before it moved the replica identity and CLUSTER mark
  const carried = clusterable(desired) ? live : withoutClusterMark(live);
  const marks = propertySql(carried, ref, prebuilt.name, { annotations: false, tableMarks: true });
  const marksBack = propertySql(carried, ref, live.name, { annotations: false, tableMarks: true });
  return {
    sql: [...marks, dropSql(ref, live.name, false), rename],
    undo: [...marksBack.map((sql) => [sql]), rebuildOld, []],
    rollback: !live.live.valid
      ? [dropNew]
      : reverse
        ? [...reverse, ...propertySql(live, ref, prebuilt.name, all), dropNew, renameSql(ref, prebuilt.name, live.name)]
        : [],
    online: true,
    reversible: !live.live.valid || reverse !== undefined,
    lockImpact: live.live.replicaIdentity ? `${lockOfDrop}; ${lockOfReplicaIdentity}` : lockOfDrop,
  };
}

function renderCreate(desired: Index, table: LiveTable | undefined): RenderedSql {
  const ref = { schema: desired.schema, name: desired.table };
  const { undo, ...build } = buildSql(builderOfDesired(desired), desired.name, ref, table);
  return {
    ...build,
    ...(build.sql.length > 1 ? { undo } : {}),
    rollback: [dropSql(ref, desired.name, table?.partitioned ?? false)],
    reversible: true,
    lockImpact: table?.partitioned ? lockOfPartitionedBuild : lockOfBuild,
  };
}

function renderDrop(live: LiveIndex, table: LiveTable | undefined): RenderedSql {
  const refused = undroppableReason(live);
  if (refused) return refusal(refused);
  const ref = { schema: live.schema, name: live.table };
  const partitioned = live.live.partitioned;
  const head = {
    sql: [dropSql(ref, live.name, partitioned)],
    online: !partitioned,
    ...(partitioned ? { onlineReason: partitionedDropReason } : {}),
    lockImpact: partitioned ? lockOfPartitionedDrop : lockOfDrop,
  };
  // an INVALID index was never usable: undoing its drop means nothing to rebuild
  if (!live.live.valid) return { ...head, rollback: [], reversible: true };
  const builder = builderOfLive(live, ref);
  if (!builder) return { ...head, rollback: [], reversible: false };
  const rebuild = buildSql(builder, live.name, ref, partitioned ? table : undefined, live.live.partitionIndexes);
  return { ...head, rollback: [...rebuild.sql, ...propertySql(live, ref, live.name, all)], reversible: true };
}

function renderReplace(desired: Index, live: LiveIndex, table: LiveTable | undefined): RenderedSql {
  const refused = undroppableReason(live);
  if (refused) return refusal(refused);
  const ref = { schema: desired.schema, name: desired.table };
  const partitioned = live.live.partitioned;
  const dropOld = dropSql(ref, live.name, partitioned);
  const notOnline = partitioned ? { online: false, onlineReason: partitionedDropReason } : {};
  const lockImpact = partitioned ? `${lockOfPartitionedBuild}; then ${lockOfPartitionedDrop}` : lockOfBuild;
  if (!live.live.valid) {
    // the INVALID index is dropped first and not rebuilt by the reverse: the reverse only removes the new one
    const build = buildSql(builderOfDesired(desired, live.live.tablespace), desired.name, ref, table);
    return {
      sql: [dropOld, ...build.sql],
      undo: [[], ...build.undo],
      rollback: [dropSql(ref, desired.name, table?.partitioned ?? false)],
      online: build.online,
      ...(build.onlineReason ? { onlineReason: build.onlineReason } : {}),
      ...notOnline,
      reversible: true,
      lockImpact,
    };
  }
  const temp = temporaryName(desired.name);
  const build = buildSql(builderOfDesired(desired, live.live.tablespace), temp, ref, table);
  const liveBuilder = builderOfLive(live, ref);
  const children = live.live.partitionIndexes;
  const reverse = liveBuilder ? buildSql(liveBuilder, temp, ref, partitioned ? table : undefined, children) : undefined;
  // undo of the drop of the old index (needed when the rename fails): build it again under its name
  const rebuildOld = liveBuilder
    ? [
        ...buildSql(liveBuilder, live.name, ref, partitioned ? table : undefined, children).sql,
        ...propertySql(live, ref, live.name, { annotations: true, tableMarks: false }),
      ]
    : [];
  // the replica identity and CLUSTER mark move to the new index before the old one goes, so the table
  // is never without them; each move's undo moves them back to the old index
  const carried = clusterable(desired) ? live : withoutClusterMark(live);
  const marks = propertySql(carried, ref, temp, { annotations: false, tableMarks: true });
  const marksBack = propertySql(carried, ref, live.name, { annotations: false, tableMarks: true });
  return {
    sql: [...build.sql, ...marks, dropOld, renameSql(ref, temp, desired.name)],
    undo: [...build.undo, ...marks.map((_, i) => [marksBack[i]!]), rebuildOld, []],
    rollback: reverse
      ? [
          ...reverse.sql,
          ...propertySql(live, ref, temp, all),
          dropSql(ref, desired.name, table?.partitioned ?? false),
          renameSql(ref, temp, live.name),
        ]
      : [],
    online: build.online,
    ...(build.onlineReason ? { onlineReason: build.onlineReason } : {}),
    ...notOnline,
    reversible: reverse !== undefined,
    lockImpact: live.live.replicaIdentity ? `${lockImpact}; ${lockOfReplicaIdentity}` : lockImpact,
  };
}

/** Forward and reverse SQL of one change; never a blocking statement without `online: false` and a reason. */
export function renderPostgresChange(change: Change, table: LiveTable | undefined): RenderedSql {
  switch (change.action) {
    case 'noop':
      return { sql: [], rollback: [], online: true, reversible: true, lockImpact: 'none' };
    case 'create':
      if (change.prebuilt) return renderFinish(change.desired, change.prebuilt, undefined);
      return renderCreate(change.desired, table);
    case 'drop':
      return renderDrop(change.live, table);
    case 'replace':
      // an index that cannot be dropped is refused by renderReplace, prebuilt replacement or not
      if (change.prebuilt && !undroppableReason(change.live)) {
        return renderFinish(change.desired, change.prebuilt, change.live);
      }
      return renderReplace(change.desired, change.live, table);
    case 'disable':
    case 'enable':
      // the planner refuses `state: disabled` on PostgreSQL (no invisible indexes), so this is a bug
      throw new Error(`PostgreSQL has no invisible indexes: cannot ${change.action} ${change.index}`);
  }
}
