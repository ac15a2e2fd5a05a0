import type { NamingPattern } from './types.js';

/** The naming convention of a list of index names: the first `_`-separated word they all share. */
export function namingPatternFromNames(names: readonly string[]): NamingPattern | undefined {
  if (names.length === 0) return undefined;
  const prefixes = new Set(names.map((name) => (name.includes('_') ? name.slice(0, name.indexOf('_') + 1) : '')));
  const [prefix] = [...prefixes];
  if (prefixes.size !== 1 || !prefix) return undefined;
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    regex: new RegExp(`^${escaped}`),
    description: `names start with "${prefix}", like the ${names.length} index name(s) in the plans`,
  };
}

/** The naming convention of the index plans in a folder (undefined when the names share no prefix). */
export async function namingPatternFromPlans(folder: string): Promise<NamingPattern | undefined> {
  // the plan reader (yaml, zod) loads only for --plans
  const { loadPlans } = await import('../plan-file/load.js');
  const plan = await loadPlans([folder]);
  return namingPatternFromNames(plan.indexes.map((index) => index.name));
}

/** A naming convention given as a regular expression in the config file. */
export function namingPatternFromConfig(pattern: string, file: string | undefined): NamingPattern {
  return { regex: new RegExp(pattern), description: `lint.naming_pattern /${pattern}/${file ? ` in ${file}` : ''}` };
}
