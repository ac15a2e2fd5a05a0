import { existsSync } from 'node:fs';

/** Config files looked for in the working directory when `--config` is not given. */
export const defaultConfigFiles = ['.safe-index.yml', '.safe-index.yaml'];

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
  // YAML and zod load only when there is a config file to read
  return (await import('./config-file.js')).readLintConfigFile(file, knownRules);
}
