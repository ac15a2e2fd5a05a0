import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../../src/plan-file/json-schema.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { writePlan } from '../../support/plans.js';
import { yamlBlocks } from './markdown.js';

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
}

/** Every key of the plan schema as a path (`indexes[].verify[].expect`), with its enum values. */
function schemaKeys(schema: JsonSchema, prefix = ''): Map<string, unknown[]> {
  const keys = new Map<string, unknown[]>();
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = `${prefix}${key}`;
    keys.set(path, child.enum ?? []);
    for (const [inner, values] of nested(child, path)) keys.set(inner, values);
  }
  return keys;
}

function nested(schema: JsonSchema, path: string): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  for (const variant of [schema, ...(schema.anyOf ?? [])]) {
    if (variant.properties) for (const [k, v] of schemaKeys(variant, `${path}.`)) out.set(k, v);
    if (variant.items) for (const [k, v] of nested(variant.items, `${path}[]`)) out.set(k, v);
  }
  return out;
}

const doc = readFileSync(new URL('../../../docs/plan-format.md', import.meta.url), 'utf8');

/** Keys the doc's reference tables describe: the first cell of each table row. */
function documentedKeys(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z_.[\]]+)` \|/gm)].map((match) => match[1]!);
}

describe('docs/plan-format.md', () => {
  const keys = schemaKeys(planJsonSchema() as JsonSchema);

  it('finds the keys of the schema (sanity check of the walk)', () => {
    expect(keys.has('settings.lock_timeout')).toBe(true);
    expect(keys.has('indexes[].columns[].nulls')).toBe(true);
    expect(keys.has('indexes[].verify[].expect')).toBe(true);
    expect(keys.size).toBeGreaterThanOrEqual(25);
  });

  it('describes every key of the zod schema in a reference table', () => {
    const documented = new Set(documentedKeys(doc));
    const missing = [...keys.keys()].filter((key) => !documented.has(key));
    expect(missing).toEqual([]);
  });

  it('describes no key the schema does not have', () => {
    const stale = documentedKeys(doc).filter((key) => !keys.has(key));
    expect(stale).toEqual([]);
  });

  it('names every allowed value of every enum key in that key’s row', () => {
    for (const [key, values] of keys) {
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${key}\` |`)) ?? '';
      for (const value of values) expect(row, `${key}: ${String(value)}`).toContain(`\`${String(value)}\``);
    }
  });

  it('has YAML examples that load as valid plans', async () => {
    const blocks = yamlBlocks(doc);
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const [i, block] of blocks.entries()) {
      const plan = await loadPlans([await writePlan(block, `example-${i}.yml`)]);
      expect(plan.indexes.length, `example ${i}`).toBeGreaterThan(0);
    }
  });
});
