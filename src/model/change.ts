import type { Index } from './index-model.js';
import type { LiveIndex, TableRef } from './schema.js';

/**
 * What the diff decided for one managed index. `disable` hides a live index from the optimizer without
 * dropping it (MySQL INVISIBLE, MariaDB IGNORED); `enable` makes a disabled index visible again.
 */
export type ChangeAction = 'create' | 'drop' | 'replace' | 'disable' | 'enable' | 'noop';

/** Actions that take an index out of use: their usage evidence is checked before they run. */
export const retiringActions: readonly ChangeAction[] = ['drop', 'disable'];

/** One decision of the diff, before any SQL exists. */
export interface Change {
  action: ChangeAction;
  table: TableRef;
  /** Name of the managed index. */
  index: string;
  /** The desired definition (absent for `drop`, and for `disable`/`enable` of an entry without columns). */
  desired?: Index;
  /** The live index under that name, if any. */
  live?: LiveIndex;
  /** Why a replace is needed: the definition differs, or the live index is INVALID. */
  reason?: string;
  /**
   * A valid index of the desired definition already built under the tool's temporary name by an
   * interrupted replace (`create`/`replace` only): the change renames it into place instead of building.
   */
  prebuilt?: LiveIndex;
  /** Redundancy and data warnings found for this change. */
  warnings: string[];
}

/** The SQL of one change: forward statements, their reverse, and whether the server does it online. */
export interface RenderedSql {
  sql: string[];
  rollback: string[];
  online: boolean;
  /** Why the change is not online (e.g. FULLTEXT on MariaDB cannot use LOCK=NONE). */
  onlineReason?: string;
  /** False when the reverse cannot be derived exactly; then `rollback` is empty. */
  reversible: boolean;
  /** What lock the forward SQL takes and what it blocks, in a few words. */
  lockImpact: string;
  /**
   * For multi-statement changes: `undo[i]` puts back what forward statement `i` changed, written to be
   * safe to run twice (IF EXISTS). When statement `k` fails for good, the executor runs `undo[k-1]`
   * down to `undo[0]`, so a half-done change leaves nothing behind (e.g. a replacement's temporary index).
   */
  undo?: string[][];
}

/** A change with its rendered SQL: what `plan` prints and `apply` runs. */
export type PlannedChange = Change & RenderedSql;
