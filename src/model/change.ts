import type { Index } from './index-model.js';
import type { LiveIndex, TableRef } from './schema.js';

/** What every change names: the table, the managed index, why, and its warnings. */
interface ChangeBase {
  table: TableRef;
  /** Name of the managed index. */
  index: string;
  /** Why the change is needed (a replace always says; a repair of a leftover or a finished swap too). */
  reason?: string;
  /** Redundancy and data warnings found for this change. */
  warnings: string[];
}

/** Builds the desired index, which has no live index of its name. */
export interface CreateChange extends ChangeBase {
  action: 'create';
  desired: Index;
  /**
   * A valid index of the desired definition already built under the tool's temporary name by an
   * interrupted replace: the change renames it into place instead of building.
   */
  prebuilt?: LiveIndex;
}

/** Drops the live index. */
export interface DropChange extends ChangeBase {
  action: 'drop';
  live: LiveIndex;
}

/** Rebuilds the live index with the desired definition (it differs, or the live index is INVALID). */
export interface ReplaceChange extends ChangeBase {
  action: 'replace';
  desired: Index;
  live: LiveIndex;
  reason: string;
  /** As for `create`: the replacement already built under the temporary name, renamed into place. */
  prebuilt?: LiveIndex;
}

/**
 * Hides the live index from the optimizer without dropping it (MySQL INVISIBLE, MariaDB IGNORED);
 * `desired` when the entry gives its definition.
 */
export interface DisableChange extends ChangeBase {
  action: 'disable';
  live: LiveIndex;
  desired?: Index;
}

/** Makes a disabled live index of the desired definition visible again. */
export interface EnableChange extends ChangeBase {
  action: 'enable';
  desired: Index;
  live: LiveIndex;
}

/**
 * Nothing to do: the live index matches (`desired` and `live`), an absent entry has no live index
 * (neither), or a disabled entry is already hidden (`live`, and `desired` when the entry gives it).
 */
export interface NoopChange extends ChangeBase {
  action: 'noop';
  desired?: Index;
  live?: LiveIndex;
}

/** One decision of the diff, before any SQL exists; `action` says which indexes it carries. */
export type Change = CreateChange | DropChange | ReplaceChange | DisableChange | EnableChange | NoopChange;

/** What the diff decided for one managed index. */
export type ChangeAction = Change['action'];

/** Actions of a change that runs statements: what a run records as its steps. */
export type StepAction = Exclude<ChangeAction, 'noop'>;

/** Actions that take an index out of use: their usage evidence is checked before they run. */
export const retiringActions: readonly ChangeAction[] = ['drop', 'disable'];

/** A change as far as a saved plan records it: its action and names, without the model indexes. */
export type ChangeSummary = ChangeBase & { action: ChangeAction };

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
