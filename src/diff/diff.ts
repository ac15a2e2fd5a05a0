import type { Change } from '../model/change.js';
import type { Index } from '../model/index-model.js';
import type { LiveIndex, LiveTable } from '../model/schema.js';

/** One managed index as the diff sees it: the desired definition (or its absence) and the live table. */
export interface DiffInput {
  name: string;
  state: 'present' | 'absent';
  /** Canonical desired definition (present entries only). */
  desired?: Index;
  table: LiveTable;
}

/** Names what differs between a live index and the desired one, for the reason of a replace. */
function differences(live: LiveIndex, desired: Index): string {
  const out: string[] = [];
  if (live.unique !== desired.unique) out.push(desired.unique ? 'becomes unique' : 'no longer unique');
  if (live.method !== desired.method) out.push(`method ${live.method} → ${desired.method}`);
  if (live.describe() !== desired.describe() || out.length === 0)
    out.push(`${live.describe()} → ${desired.describe()}`);
  return out.join('; ');
}

/** Decides create / drop / replace / noop for one managed index. Pure: no SQL, no server. */
export function diffIndex(input: DiffInput): Change {
  const live = input.table.indexes.find((index) => index.name === input.name);
  const base = { table: { schema: input.table.schema, name: input.table.name }, index: input.name, warnings: [] };
  if (input.state === 'absent') {
    return live ? { ...base, action: 'drop', live } : { ...base, action: 'noop' };
  }
  const desired = input.desired;
  if (!desired) throw new Error(`diffIndex: present index ${input.name} has no desired definition`);
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
  if (live.equals(desired)) return { ...base, action: 'noop', desired, live };
  return { ...base, action: 'replace', desired, live, reason: `definition differs: ${differences(live, desired)}` };
}
