import type { Change } from '../model/change.js';
import type { Index } from '../model/index-model.js';
import type { LiveIndex, LiveTable } from '../model/schema.js';

/**
 * One managed index as the diff sees it: the live table, and the canonical desired definition a
 * `present` entry always has and a `disabled` one has when it gives columns.
 */
export type DiffInput = { name: string; table: LiveTable } & (
  | { state: 'present'; desired: Index }
  | { state: 'disabled'; desired?: Index }
  | { state: 'absent'; desired?: undefined }
);

/** Names what differs between a live index and the desired one, for the reason of a replace. */
function differences(live: LiveIndex, desired: Index): string {
  const out: string[] = [];
  if (live.unique !== desired.unique) out.push(desired.unique ? 'becomes unique' : 'no longer unique');
  if (live.method !== desired.method) out.push(`method ${live.method} → ${desired.method}`);
  if (live.describe() !== desired.describe() || out.length === 0)
    out.push(`${live.describe()} → ${desired.describe()}`);
  return out.join('; ');
}

/**
 * Why a `state: disabled` entry cannot be diffed (the index must exist, with the definition the entry
 * gives), or null when it can.
 */
export function disabledEntryProblem(input: DiffInput): string | null {
  const live = input.table.indexes.find((index) => index.name === input.name);
  if (!live) return `index "${input.name}" does not exist; only a live index can be disabled`;
  if (input.desired && !live.equals(input.desired)) {
    return `index "${input.name}" is live with another definition (${differences(live, input.desired)}); make it present with the new definition first, then disable it`;
  }
  return null;
}

/**
 * Decides create / drop / replace / disable / enable / noop for one managed index. Pure: no SQL, no
 * server. A `disabled` entry must name a live index (see `disabledEntryProblem`).
 */
export function diffIndex(input: DiffInput): Change {
  const live = input.table.indexes.find((index) => index.name === input.name);
  const base = { table: { schema: input.table.schema, name: input.table.name }, index: input.name, warnings: [] };
  switch (input.state) {
    case 'absent':
      return live ? { ...base, action: 'drop', live } : { ...base, action: 'noop' };
    case 'disabled': {
      const problem = disabledEntryProblem(input);
      if (problem || !live) throw new Error(`diffIndex: ${problem}`);
      const desiredPart = input.desired ? { desired: input.desired } : {};
      return { ...base, ...desiredPart, action: live.live.visible ? 'disable' : 'noop', live };
    }
    case 'present': {
      const { desired } = input;
      if (!live) return { ...base, action: 'create', desired };
      if (!live.live.valid) {
        return {
          ...base,
          action: 'replace',
          desired,
          live,
          reason: 'the live index is INVALID (a failed or interrupted build)',
        };
      }
      if (live.equals(desired)) return { ...base, action: live.live.visible ? 'noop' : 'enable', desired, live };
      return { ...base, action: 'replace', desired, live, reason: `definition differs: ${differences(live, desired)}` };
    }
  }
}
