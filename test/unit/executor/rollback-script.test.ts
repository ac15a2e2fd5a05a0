import { describe, expect, it } from 'vitest';
import { createDialect } from '../../../src/dialects/index.js';
import { renderRollbackScript, renderRolledBackScript } from '../../../src/executor/rollback-script.js';
import type { StepAction } from '../../../src/model/change.js';
import { oneLine } from '../../../src/render/one-line.js';
import { postgresServer } from '../dialects/postgres/fixtures.js';

const server = postgresServer();

/** Names as a server or a knexfile could hand them over: the plan refuses these, other sources may not. */
const evil = 'ix_c\nDROP TABLE public.t1;\r\n\u0085\u2028--';

describe('written scripts escape what they embed', () => {
  it('no comment or header of a rollback script lets a name start a line', () => {
    const script = renderRollbackScript(
      { runId: 5, date: new Date(0), target: `postgres://u@h/${evil}`, server },
      [{ action: 'create', table: { schema: evil, name: evil }, index: evil, sql: [], rollback: [], online: true }],
      createDialect(server).executor,
      { lockTimeoutMs: 1000, maxRetries: 1, blockers: 'wait' },
    );
    const lines = script.split(/\r\n|\r|\n|\u0085|\u2028/);
    expect(lines).not.toContain('DROP TABLE public.t1;');
    for (const line of lines) expect(line === '' || line.startsWith('--') || line.startsWith('SET ')).toBe(true);
  });

  it('the record of a rollback too', () => {
    const script = renderRolledBackScript(5, evil, [
      // an edited state table can hold any text where the run recorded its action
      { ordinal: 0, action: evil as StepAction, table: evil, index: evil, sql: [] },
    ]);
    expect(script.split('\n').filter((line) => line !== '' && !line.startsWith('--'))).toEqual([]);
  });

  it('escapes every C0 and C1 control character and the Unicode line separators', () => {
    expect(oneLine('a\nb\rc\td\u0000e\u001bf\u007fg\u0085h\u2028i')).toBe(
      'a\\nb\\rc\\td\\u0000e\\u001bf\\u007fg\\u0085h\\u2028i',
    );
  });
});
