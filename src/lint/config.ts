import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { SafeIndexError } from '../errors.js';

/** Config files looked for in the working directory when `--config` is not given. */
export const defaultConfigFiles = ['.safe-index.yml', '.safe-index.yaml'];

const lintSectionSchema = z.strictObject({
  rules: z.record(z.string(), z.enum(['off', 'warning', 'error'])).optional(),
  naming_pattern: z.string().optional(),
  assume_in_transaction: z.boolean().optional(),
});

/** The `lint:` section of the config file. */
export interface LintConfig {
  file?: string;
  rules: Record<string, 'off' | 'warning' | 'error'>;
  namingPattern?: string;
  assumeInTransaction?: boolean;
}

/** Reads the `lint:` section of the config file (`--config`, else `.safe-index.yml` if present). */
export async function loadLintConfig(
  explicit: string | undefined,
  knownRules: ReadonlySet<string>,
): Promise<LintConfig> {
  const file = explicit ?? defaultConfigFiles.find((name) => existsSync(name));
  if (!file) return { rules: {} };
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
