import type { Change, DisableChange, EnableChange, RenderedSql } from '../../model/change.js';
import type { Index } from '../../model/index-model.js';
import type { LiveIndex, LiveTable } from '../../model/schema.js';
import { renderKeyParts } from './definition.js';
import { isInnodb } from './engine.js';
import type { FlavorFeatures } from './flavor.js';
import { qualifiedTable, quoteMysqlIdent } from './identifiers.js';
import { followersInClass } from './key-order.js';
import { namesVirtualColumn } from './virtual-columns.js';

/** The ALGORITHM/LOCK clauses of one ALTER and, when they are not LOCK=NONE, why. */
interface AlterMode {
  clauses: string;
  online: boolean;
  reason?: string;
  lockImpact: string;
}

export const onlineImpact = 'brief metadata lock at start and end; reads and writes continue';
export const sharedImpact = 'LOCK=SHARED: writes wait for the whole build; reads continue';

function online(features: FlavorFeatures): AlterMode {
  return { clauses: `ALGORITHM=${features.indexAlgorithm}, LOCK=NONE`, online: true, lockImpact: onlineImpact };
}

function blocking(reason: string, algorithm = 'INPLACE'): AlterMode {
  const lockImpact = algorithm === 'COPY' ? `table copied under ${sharedImpact}` : sharedImpact;
  return { clauses: `ALGORITHM=${algorithm}, LOCK=SHARED`, online: false, reason, lockImpact };
}

/** Why an ALTER on this table can never take LOCK=NONE, whatever it does. */
function tableBlocker(table: LiveTable | undefined, features: FlavorFeatures): AlterMode | null {
  if (!isInnodb(table)) {
    return blocking(`the ${table?.engine} engine changes indexes only by copying the table (error 1845)`, 'COPY');
  }
  if (features.cascadingForeignKeysBlock && table?.cascadingForeignKeys) {
    return blocking(
      'the table has ON DELETE/UPDATE CASCADE or SET NULL foreign keys: MySQL refuses LOCK=NONE (error 1846)',
    );
  }
  return null;
}

/** How adding this index runs: the cheapest online algorithm, or the legal blocking clauses and why. */
function addMode(index: Index, table: LiveTable | undefined, features: FlavorFeatures): AlterMode {
  const blocker = tableBlocker(table, features);
  if (blocker) return blocker;
  if (index.method === 'fulltext') return blocking(`FULLTEXT cannot be built online: ${features.fulltextLockError}`);
  if (index.method === 'spatial') return blocking(`SPATIAL cannot be built online: ${features.spatialLockError}`);
  if (features.virtualColumnIndexBlocks && namesVirtualColumn(index, table)) {
    return blocking('an index on a virtual generated column cannot be built with LOCK=NONE on MySQL (error 3178)');
  }
  if (features.virtualColumnIndexBlocks && index.keyParts.some((part) => part.expression !== undefined)) {
    return blocking(
      'a functional key part is a hidden virtual generated column: MySQL refuses LOCK=NONE for it (error 1846)',
    );
  }
  return online(features);
}

/** An add's mode with the server's parallel build settings in its lock impact, where the table has them. */
function withBuildSettings(mode: AlterMode, table: LiveTable | undefined): AlterMode {
  if (!table?.buildSettings) return mode;
  return { ...mode, lockImpact: `${mode.lockImpact}; built with ${table.buildSettings}` };
}

/** How dropping an index runs: metadata only on InnoDB, unless the table forbids LOCK=NONE. */
function dropMode(table: LiveTable | undefined, features: FlavorFeatures): AlterMode {
  return tableBlocker(table, features) ?? online(features);
}

/** The stricter of two modes (a replace both drops and adds). */
function stricter(a: AlterMode, b: AlterMode): AlterMode {
  return a.online ? b : a;
}

/**
 * A drop that is online itself but whose undo is not (re-adding a FULLTEXT, SPATIAL or functional key):
 * planned as not online, so that `apply` asks for --allow-blocking before it, since `rollback` would
 * block writes while it rebuilds the key. The forward clauses stay LOCK=NONE.
 */
function undoneBlocking(mode: AlterMode, restore: AlterMode): AlterMode {
  if (!mode.online || restore.online) return mode;
  return { ...mode, online: false, reason: `dropping is online, but undoing it cannot be: ${restore.reason}` };
}

/** `[UNIQUE |FULLTEXT |SPATIAL ]INDEX `name` (...) [USING HASH]` for ALTER TABLE ... ADD. */
export function renderAddClause(index: Index): string {
  const kind = { fulltext: 'FULLTEXT ', spatial: 'SPATIAL ' }[index.method] ?? (index.unique ? 'UNIQUE ' : '');
  const using = index.method === 'hash' ? ' USING HASH' : '';
  return `${kind}INDEX ${quoteMysqlIdent(index.name)} ${renderKeyParts(index)}${using}`;
}

function alter(change: Change, actions: string[], mode: AlterMode): string {
  return `ALTER TABLE ${qualifiedTable(change.table.schema, change.table.name)} ${actions.join(', ')}, ${mode.clauses}`;
}

function dropAction(name: string, ifExists = false): string {
  return `DROP INDEX ${ifExists ? 'IF EXISTS ' : ''}${quoteMysqlIdent(name)}`;
}

/**
 * The live key as SHOW CREATE TABLE printed it, usable after ADD (keeps COMMENT and IGNORED/INVISIBLE);
 * `IF NOT EXISTS` goes between the key kind and the name, which is the line's first backtick.
 */
function liveAddAction(live: LiveIndex, ifNotExists = false): string {
  const line = live.live.definition.trim();
  if (!ifNotExists) return `ADD ${line}`;
  const nameAt = line.indexOf('`');
  return `ADD ${line.slice(0, nameAt)}IF NOT EXISTS ${line.slice(nameAt)}`;
}

/** The keys to re-add after the restored one so that it takes back its place in the key order. */
function restoredFollowers(live: LiveIndex, table: LiveTable | undefined, features: FlavorFeatures): LiveIndex[] {
  return table ? followersInClass(live, table, features) : [];
}

/** The restore mode: one in-place ALTER cannot build two FULLTEXT indexes, so those restores copy the table. */
function restoreModeOf(
  live: LiveIndex,
  followers: LiveIndex[],
  table: LiveTable | undefined,
  features: FlavorFeatures,
): AlterMode {
  const mode = stricter(dropMode(table, features), addMode(live, table, features));
  const fulltext = [live, ...followers].filter((index) => index.method === 'fulltext');
  if (fulltext.length < 2 || !isInnodb(table)) return mode;
  const after = fulltext.slice(1).map((index) => quoteMysqlIdent(index.name));
  return blocking(
    `InnoDB builds one FULLTEXT index per in-place ALTER: putting ${quoteMysqlIdent(live.name)} back before ${after.join(', ')} copies the table`,
    'COPY',
  );
}

/**
 * Re-adds the dropped key in its old place: the same-class keys that followed it are dropped and added
 * again after it in the same ALTER (the server moves them without rebuilding them, FULLTEXT excepted).
 * On MariaDB the existence guards keep the restore right when other steps of the run on this table are
 * undone later: a follower dropped by an earlier step is created here, and its own restore then skips it.
 */
function restoreDropped(live: LiveIndex, followers: LiveIndex[], guard: boolean): string[] {
  return [
    ...followers.map((follower) => dropAction(follower.name, guard)),
    liveAddAction(live, guard),
    ...followers.map((follower) => liveAddAction(follower)),
  ];
}

/** Puts the replaced key back as it was and where it was (the same follower re-adds as for a drop). */
function restoreReplaced(live: LiveIndex, followers: LiveIndex[], guard: boolean): string[] {
  return [
    dropAction(live.name),
    ...followers.map((follower) => dropAction(follower.name, guard)),
    liveAddAction(live),
    ...followers.map((follower) => liveAddAction(follower)),
  ];
}

function refused(reason: string): RenderedSql {
  return { sql: [], rollback: [], online: false, onlineReason: reason, reversible: false, lockImpact: 'not run' };
}

/** The refusal of a change to a key a constraint owns (the PRIMARY KEY, a constraint's index), if it is one. */
function ownedByConstraint(live: LiveIndex): RenderedSql | null {
  if (!live.live.constraint) return null;
  return refused(
    `\`${live.name}\` is the table's ${live.live.constraint === 'primary' ? 'PRIMARY KEY' : 'constraint index'}: safe-index never drops or rebuilds it`,
  );
}

function result(sql: string, rollback: string, mode: AlterMode): RenderedSql {
  const rendered: RenderedSql = {
    sql: [sql],
    rollback: [rollback],
    online: mode.online,
    reversible: true,
    lockImpact: mode.lockImpact,
  };
  if (mode.reason) rendered.onlineReason = mode.reason;
  return rendered;
}

/**
 * Hides (`disable`) or shows (`enable`) a live index: one metadata-only ALTER whose reverse is the
 * opposite toggle, so a rollback restores the visibility the index had.
 */
function renderVisibility(change: DisableChange | EnableChange, features: FlavorFeatures): RenderedSql {
  const visibility = features.indexVisibility;
  if (!visibility) return refused('this server has no invisible indexes (MySQL 8 INVISIBLE, MariaDB 10.6+ IGNORED)');
  const toggle = (word: string) =>
    alter(change, [`ALTER INDEX ${quoteMysqlIdent(change.index)} ${word}`], {
      clauses: `ALGORITHM=${visibility.algorithm}, LOCK=NONE`,
      online: true,
      lockImpact: visibilityImpact,
    });
  const [forward, reverse] =
    change.action === 'disable' ? [visibility.hide, visibility.show] : [visibility.show, visibility.hide];
  return {
    sql: [toggle(forward)],
    rollback: [toggle(reverse)],
    undo: [[toggle(reverse)]],
    online: true,
    reversible: true,
    lockImpact: visibilityImpact,
  };
}

const visibilityImpact = 'brief metadata lock; metadata-only change, reads and writes continue';

/** Forward and reverse ALTER TABLE statements of one change, with the flavor's online clauses. */
export function renderMysqlChange(change: Change, table: LiveTable | undefined, features: FlavorFeatures): RenderedSql {
  switch (change.action) {
    case 'noop':
      return { sql: [], rollback: [], online: true, reversible: true, lockImpact: 'none' };
    case 'create': {
      const { desired } = change;
      const mode = withBuildSettings(addMode(desired, table, features), table);
      const sql = alter(change, [`ADD ${renderAddClause(desired)}`], mode);
      return result(sql, alter(change, [dropAction(desired.name)], dropMode(table, features)), mode);
    }
    case 'disable':
    case 'enable':
      return ownedByConstraint(change.live) ?? renderVisibility(change, features);
    case 'drop':
    case 'replace': {
      const { live } = change;
      const refusal = ownedByConstraint(live);
      if (refusal) return refusal;
      const followers = restoredFollowers(live, table, features);
      const restoreMode = restoreModeOf(live, followers, table, features);
      const guard = features.indexExistenceGuards;
      if (change.action === 'drop') {
        const mode = undoneBlocking(dropMode(table, features), restoreMode);
        const rollback = alter(change, restoreDropped(live, followers, guard), restoreMode);
        return result(alter(change, [dropAction(live.name)], mode), rollback, mode);
      }
      const { desired } = change;
      const mode = withBuildSettings(stricter(dropMode(table, features), addMode(desired, table, features)), table);
      const sql = alter(change, [dropAction(live.name), `ADD ${renderAddClause(desired)}`], mode);
      const rollback = alter(change, restoreReplaced(live, followers, guard), restoreMode);
      return result(sql, rollback, mode);
    }
  }
}
