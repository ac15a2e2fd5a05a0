import type { Change } from '../../model/change.js';
import type { Index } from '../../model/index-model.js';
import type { LiveTable } from '../../model/schema.js';
import type { IndexPropertyVerdict } from '../types.js';

/** Access methods whose indexes CLUSTER can use (`pg_am` amclusterable). */
const clusterableMethods = new Set(['btree', 'gist']);

/** Whether CLUSTER can use this index: `ALTER TABLE ... CLUSTER ON` refuses a partial one or another method. */
export function clusterable(index: Index): boolean {
  return clusterableMethods.has(index.method) && index.where === undefined;
}

/** How the plan names the table a change is on. */
function tableName(change: Change): string {
  return `"${change.table.name}"`;
}

/** Who depends on the table's replica identity: its publications, or logical decoding in general. */
function identityUsers(table: LiveTable): string {
  const publications = table.publications ?? [];
  return publications.length > 0
    ? `published by ${publications.join(', ')}: every UPDATE and DELETE on the table would fail ("does not have a replica identity")`
    : 'logical decoding of the table would lose the old key of updated and deleted rows';
}

/** Why `index` cannot be a REPLICA IDENTITY index (PostgreSQL's rules), or an empty list. */
function notIdentityCapable(index: Index, table: LiveTable): string[] {
  const reasons: string[] = [];
  if (!index.unique) reasons.push('it is not unique');
  if (index.where !== undefined) reasons.push('it is partial');
  if (index.keyParts.some((part) => part.expression !== undefined)) reasons.push('it has an expression key part');
  const nullable = index.keyParts
    .flatMap((part) => (part.column === undefined ? [] : [part.column]))
    .filter((column) => table.columns.find((live) => live.name === column)?.nullable);
  if (nullable.length > 0)
    reasons.push(`its key column${nullable.length > 1 ? 's' : ''} ${nullable.join(', ')} may be NULL`);
  return reasons;
}

/**
 * Why a change must not run because the live index is the table's REPLICA IDENTITY (PostgreSQL):
 * dropping it, or replacing it with a definition that cannot be an identity, leaves the table without one.
 * A replace into a capable definition carries the identity to the new index (see the renderer).
 */
function replicaIdentityProblem(change: Change, table: LiveTable): string | undefined {
  if (change.action !== 'drop' && change.action !== 'replace') return undefined;
  const partitions = (change.live.live.partitionIndexes ?? []).filter((child) => child.replicaIdentity);
  if (partitions.length > 0) {
    // each partition has its own identity; the partitioned path rebuilds the partitions' indexes under new names
    const named = partitions.map((child) => `"${child.name}" of partition "${child.partition.name}"`).join(', ');
    return `index "${change.index}" has partition indexes that are their partition's REPLICA IDENTITY (${named}); safe-index does not move a partition's identity, so the ${change.action} is refused: set another identity on those partitions first (ALTER TABLE <partition> REPLICA IDENTITY ...)`;
  }
  if (!change.live.live.replicaIdentity) return undefined;
  const head = `index "${change.index}" is the REPLICA IDENTITY of table ${tableName(change)} (ALTER TABLE ... REPLICA IDENTITY USING INDEX)`;
  const remedy =
    'set another identity first (ALTER TABLE ... REPLICA IDENTITY USING INDEX <other unique index> | DEFAULT | FULL)';
  if (change.action === 'drop') {
    return `${head}, ${identityUsers(table)}; dropping it is refused: ${remedy}`;
  }
  const reasons = notIdentityCapable(change.desired, table);
  if (reasons.length === 0) return undefined;
  return `${head}, ${identityUsers(table)}; the new definition cannot be a replica identity (${reasons.join(', ')}), so the replace is refused: make it unique, not partial, on NOT NULL columns, or ${remedy}`;
}

/**
 * Warnings about properties the server keeps on the live index that a change does not carry or drops:
 * the CLUSTER mark of a dropped index (or of a replaced one whose new definition CLUSTER cannot use),
 * and the COMMENT and statistics targets of a replaced one. The rollback restores each of them.
 */
function indexPropertyWarnings(change: Change): string[] {
  if (change.action !== 'drop' && change.action !== 'replace') return [];
  const live = change.live.live;
  const warnings: string[] = [];
  const unmarked = `a plain CLUSTER ${tableName(change)} fails until another index is marked (the rollback marks the old definition again)`;
  if (change.action === 'drop' && live.clustered) {
    warnings.push(
      `index "${change.index}" is the table's CLUSTER index (CLUSTER ... USING / ALTER TABLE ... CLUSTER ON): after the drop ${unmarked}`,
    );
  }
  if (change.action === 'replace' && live.clustered && !clusterable(change.desired)) {
    warnings.push(
      `index "${change.index}" is the table's CLUSTER index, and CLUSTER cannot use the new definition (partial, or a method other than btree/gist): the mark is not carried, and ${unmarked}`,
    );
  }
  if (change.action === 'replace') {
    const lost = [
      ...(live.comment !== undefined ? ['its COMMENT'] : []),
      ...(live.statisticsTargets?.length ? ['its per-column statistics targets'] : []),
    ];
    if (lost.length > 0) {
      warnings.push(
        `the new index "${change.index}" will not carry ${lost.join(' and ')} (the old definition's; the rollback restores them)`,
      );
    }
  }
  return warnings;
}

/**
 * What the properties PostgreSQL keeps on a live index besides its definition mean for a change: a
 * refusal when it would leave a table without its REPLICA IDENTITY, else warnings about what is not carried.
 */
export function postgresIndexProperties(change: Change, table: LiveTable): IndexPropertyVerdict {
  const refused = replicaIdentityProblem(change, table);
  if (refused) return { refusal: { code: 'replica_identity_index', message: refused }, warnings: [] };
  return { warnings: indexPropertyWarnings(change) };
}
