import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import * as z from 'zod';
import { SafeIndexError } from '../errors.js';
import type { LintConfig } from './config.js';

const lintSectionSchema = z.strictObject({
  rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).optional(),
  naming_pattern: z.string().optional(),
  assume_in_transaction: z.boolean().optional(),
});

/** Reads and checks the `lint:` section of a config file that exists. */
export async function readLintConfigFile(file: string, knownRules: ReadonlySet<string>): Promise<LintConfig> {
  let document: unknown;
  try {
    document = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new SafeIndexError('config', `cannot read config file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const section = (document as { lint?: unknown } | null)?.lint;
  if (section === undefined) return { file, rules: {} };
  const parsed = lintSectionSchema.safeParse(section);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `lint.${issue.path.join('.')}: ${issue.message}`);
    throw new SafeIndexError('config', `${file}: ${issues.join('; ')}`);
  }
  const rules = parsed.data.rules ?? {};
  const unknown = Object.keys(rules).filter((id) => !knownRules.has(id));
  if (unknown.length > 0)
    throw new SafeIndexError('config', `${file}: lint.rules names unknown rules: ${unknown.join(', ')}`);
  if (parsed.data.naming_pattern !== undefined) {
    try {
      new RegExp(parsed.data.naming_pattern);
    } catch (error) {
      throw new SafeIndexError(
        'config',
        `${file}: lint.naming_pattern is not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  return {
    file,
    rules,
    namingPattern: parsed.data.naming_pattern,
    assumeInTransaction: parsed.data.assume_in_transaction,
  };
}
