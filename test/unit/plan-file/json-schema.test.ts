import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { planJsonSchema } from '../../../src/plan-file/json-schema.js';

const file = new URL('../../../schema/index-plan.schema.json', import.meta.url);

describe('schema/index-plan.schema.json', () => {
  it('is the JSON Schema generated from the zod plan schema (run `npm run schema` after changing it)', async () => {
    const generated = `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
    if (process.env.UPDATE_SCHEMA) await writeFile(file, generated);
    expect(await readFile(file, 'utf8')).toBe(generated);
  });

  it('describes every key a plan may use', () => {
    const schema = planJsonSchema() as { properties: Record<string, { properties?: Record<string, unknown> }> };
    expect(Object.keys(schema.properties)).toEqual(['settings', 'indexes']);
    expect(Object.keys(schema.properties.settings?.properties ?? {})).toEqual([
      'lock_timeout',
      'max_retries',
      'snapshot_wait',
      'max_replica_lag',
      'explain_runs',
      'max_regression',
      'require_usage_evidence',
    ]);
  });
});
