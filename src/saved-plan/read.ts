import { readFile } from 'node:fs/promises';
import { SavedPlanError } from '../errors.js';
import { parseSavedPlan, type SavedPlan, savedPlanFormat, savedPlanHash } from './document.js';

/** The document of a file when it is a saved plan (a JSON object whose `format` says so), else undefined. */
function savedPlanValue(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const format = (value as { format?: unknown }).format;
  return typeof format === 'string' && format.startsWith('safe-index-plan/')
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * Reads `file` if it is a saved plan (recognised by its content, whatever its name): validates the
 * document and checks its hash. Undefined when the file is not a saved plan (e.g. a YAML plan file).
 */
export async function readSavedPlan(file: string): Promise<SavedPlan | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const value = savedPlanValue(text);
  if (!value) return undefined;
  if (value.format !== savedPlanFormat) {
    throw new SavedPlanError(
      'saved_plan_invalid',
      `${file}: saved plan format "${String(value.format)}" is not supported (this version reads ${savedPlanFormat})`,
    );
  }
  const parsed = parseSavedPlan(value);
  if ('problems' in parsed) {
    throw new SavedPlanError(
      'saved_plan_invalid',
      `${file}: not a valid saved plan:\n  ${parsed.problems.join('\n  ')}`,
    );
  }
  const expected = savedPlanHash(parsed.plan);
  if (parsed.plan.hash !== expected) {
    throw new SavedPlanError(
      'saved_plan_edited',
      `${file}: the saved plan was edited after it was written (hash ${parsed.plan.hash} does not match its content, ${expected}); make a new one with plan --out`,
    );
  }
  return parsed.plan;
}

/** Reads a saved plan, failing when the file is not one. */
export async function requireSavedPlan(file: string): Promise<SavedPlan> {
  const plan = await readSavedPlan(file);
  if (!plan) {
    throw new SavedPlanError(
      'saved_plan_invalid',
      `${file}: not a saved plan (write one with plan --out FILE; it is JSON with "format": "${savedPlanFormat}")`,
    );
  }
  return plan;
}

/** Age as people write it: `3d 4h`, `2h 5m`, `40s`. */
export function formatAge(ms: number): string {
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, ms);
  for (const [unit, size] of units) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0 || (unit === 's' && parts.length === 0)) parts.push(`${amount}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Default of `--max-plan-age`: 7 days. */
export const defaultMaxPlanAgeMs = 7 * 86_400_000;

/** Refuses a saved plan older than `maxAgeMs` (its age is in the message). */
export function checkPlanAge(plan: SavedPlan, maxAgeMs: number, now: Date = new Date()): void {
  const age = now.getTime() - new Date(plan.created_at).getTime();
  if (age > maxAgeMs) {
    throw new SavedPlanError(
      'saved_plan_too_old',
      `the saved plan is ${formatAge(age)} old (made ${plan.created_at}); --max-plan-age allows ${formatAge(maxAgeMs)}: plan again`,
    );
  }
}
