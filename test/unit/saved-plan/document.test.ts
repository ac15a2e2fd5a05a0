import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SavedPlanError } from '../../../src/errors.js';
import { Index } from '../../../src/model/index-model.js';
import { LiveIndex, type LiveTable } from '../../../src/model/schema.js';
import { type SavedPlan, savedPlanHash } from '../../../src/saved-plan/document.js';
import { fingerprintDrift, tableFingerprint } from '../../../src/saved-plan/fingerprint.js';
import { checkPlanAge, formatAge, readSavedPlan } from '../../../src/saved-plan/read.js';
import { stableJson } from '../../../src/saved-plan/stable-json.js';

function liveIndex(name: string, definition: string, valid = true): LiveIndex {
  const index = new Index({
    schema: 'public',
    table: 'orders',
    name,
    unique: false,
    method: 'btree',
    keyParts: [{ column: 'a', order: 'asc' }],
    include: [],
  });
  return new LiveIndex(index, { valid, visible: true, constraint: null, definition, partitioned: false });
}

function table(indexes: LiveIndex[]): LiveTable {
  return {
    schema: 'public',
    name: 'orders',
    columns: [],
    indexes,
    estimatedRows: 0,
    totalBytes: 0,
    partitioned: false,
  };
}

const ref = { schema: 'public', name: 'orders' };

function document(): SavedPlan {
  const content: Omit<SavedPlan, 'hash'> = {
    format: 'safe-index-plan/1',
    tool_version: '0.1.0',
    created_at: '2026-12-01T10:00:00.000Z',
    target: { dialect: 'postgres', flavor: 'postgres', server_version: '15.4', host: 'db:5432', database: 'app' },
    plan_files: [{ path: 'index-plans/a.yml', sha256: 'f'.repeat(64) }],
    settings: { lock_timeout_ms: 5000, max_retries: 5, explain_runs: 7, max_regression: 0.05 },
    fingerprints: [tableFingerprint(ref, table([liveIndex('a', 'CREATE INDEX a ON public.orders USING btree (a)')]))],
    changes: [
      {
        action: 'create',
        table: 'orders',
        schema: 'public',
        index: 'b',
        sql: ['CREATE INDEX CONCURRENTLY "b" ON "public"."orders" USING btree ("b")'],
        rollback: ['DROP INDEX CONCURRENTLY "public"."b"'],
        online: true,
        warnings: [],
        reversible: true,
        lock_impact: 'SHARE UPDATE EXCLUSIVE',
        state: 'present',
        verify: [],
      },
    ],
  };
  return { ...content, hash: savedPlanHash(content) };
}

describe('stable JSON', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, 1], c: null } })).toBe(
      '{\n  "a": {\n    "c": null,\n    "d": [\n      3,\n      1\n    ]\n  },\n  "b": 1\n}\n',
    );
  });
});

describe('saved plan hash', () => {
  it('ignores created_at, so plans of one state share it', () => {
    const plan = document();
    expect(savedPlanHash({ ...plan, created_at: '2030-01-01T00:00:00.000Z' })).toBe(plan.hash);
  });

  it.each([
    ['a statement', (p: SavedPlan) => (p.changes[0]!.sql[0] = 'CREATE INDEX "b" ON "public"."orders" ("b")')],
    ['the target', (p: SavedPlan) => (p.target.database = 'other')],
    ['a fingerprint', (p: SavedPlan) => (p.fingerprints[0]!.sha256 = '0'.repeat(64))],
  ])('changes when %s is edited', (_what, edit) => {
    const plan = structuredClone(document());
    edit(plan);
    expect(savedPlanHash(plan)).not.toBe(plan.hash);
  });
});

describe('reading a saved plan', () => {
  const write = async (text: string, name = 'plan.json') => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'si-saved-')), name);
    await writeFile(file, text);
    return file;
  };

  it('recognises it by content, whatever the file name; a YAML plan is not one', async () => {
    const plan = document();
    expect((await readSavedPlan(await write(stableJson(plan), 'reviewed.yml')))?.hash).toBe(plan.hash);
    expect(await readSavedPlan(await write('indexes:\n  - name: a\n'))).toBeUndefined();
    expect(await readSavedPlan(await write('{"indexes": []}'))).toBeUndefined();
  });

  it('refuses an edited document, another format version and a broken one, with codes', async () => {
    const edited = document();
    edited.changes[0]!.sql[0] = 'DROP TABLE orders';
    await expect(readSavedPlan(await write(stableJson(edited)))).rejects.toMatchObject({ code: 'saved_plan_edited' });
    await expect(readSavedPlan(await write('{"format": "safe-index-plan/2"}'))).rejects.toMatchObject({
      code: 'saved_plan_invalid',
    });
    const broken = { ...document(), changes: 'none' };
    await expect(readSavedPlan(await write(JSON.stringify(broken)))).rejects.toThrow(/changes/);
  });

  it('refuses a plan older than the limit, with its age', () => {
    const plan = document();
    const now = new Date('2026-12-09T13:30:00.000Z');
    expect(() => checkPlanAge(plan, 9 * 86_400_000, now)).not.toThrow();
    expect(() => checkPlanAge(plan, 3 * 86_400_000, now)).toThrow(SavedPlanError);
    expect(() => checkPlanAge(plan, 3 * 86_400_000, now)).toThrow(/is 8d 3h old .* allows 3d/);
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(2 * 3_600_000 + 5 * 60_000)).toBe('2h 5m');
  });
});

describe('fingerprints', () => {
  it('cover every index with its valid flag, and a diff shows what changed', () => {
    const a = liveIndex('a', 'CREATE INDEX a ON public.orders USING btree (a)');
    const saved = tableFingerprint(ref, table([a]));
    expect(saved.indexes).toEqual(['CREATE INDEX a ON public.orders USING btree (a) -- valid']);
    const invalid = tableFingerprint(ref, table([liveIndex('a', a.live.definition, false)]));
    expect(invalid.sha256).not.toBe(saved.sha256);
    const added = tableFingerprint(ref, table([a, liveIndex('z', 'CREATE INDEX z ON public.orders USING btree (z)')]));
    const [drift] = fingerprintDrift([saved], [added]);
    expect(drift?.diff).toContain('--- public.orders\tsaved plan');
    expect(drift?.diff).toContain('+CREATE INDEX z ON public.orders USING btree (z) -- valid');
    expect(fingerprintDrift([saved], [tableFingerprint(ref, table([a]))])).toEqual([]);
  });
});
