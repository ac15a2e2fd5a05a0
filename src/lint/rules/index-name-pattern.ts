import { sharedRule } from './rule.js';

/** Both: an index name that does not follow the naming convention of the plans (only with `--plans` or config). */
export const indexNamePattern = sharedRule(
  {
    id: 'index-name-pattern',
    level: 'warning',
    message:
      'The index name does not follow the naming convention of the index plans, so plans and migrations drift apart',
    help: 'Rename the index to follow the convention (see the message), or set lint.naming_pattern in the config file',
  },
  (_file, { facts, options }) => {
    const pattern = options.namingPattern;
    if (!pattern) return [];
    return facts.indexCreations
      .filter((creation) => creation.name !== undefined && !pattern.regex.test(creation.name))
      .map((creation) => ({
        statement: creation.statement,
        message: `Index name "${creation.name}" does not match the plans' naming convention (${pattern.description})`,
      }));
  },
);
