import type { Argv } from 'yargs';
import { SafeIndexError } from '../errors.js';

/** Every output format some command renders. */
export type OutputFormat = 'text' | 'json' | 'markdown' | 'github';

/** `plan`, `apply`, `explain`, `usage`: text, their JSON document, or a pull-request comment. */
export const reportFormats = ['text', 'json', 'markdown'] as const;
/** `rollback`, `history`, `export`, `demo`: text (YAML for `export`) or JSON. */
export const textOrJson = ['text', 'json'] as const;

function list(formats: readonly string[]): string {
  return formats.length === 1 ? formats[0]! : `${formats.slice(0, -1).join(', ')} or ${formats.at(-1)}`;
}

/**
 * Declares `--format` with the formats a command renders (default `text`). Any other value is a usage
 * error (exit 1) that names the formats the command has, never silently text.
 */
export function formatOption<const F extends readonly OutputFormat[]>(yargs: Argv, command: string, formats: F) {
  return yargs.option('format', {
    type: 'string',
    default: 'text',
    describe: `output format: ${list(formats)}`,
    coerce: (value: string | string[]): F[number] => {
      const given = Array.isArray(value) ? value.at(-1)! : value;
      if ((formats as readonly string[]).includes(given)) return given as F[number];
      throw new SafeIndexError('usage', `${command} prints ${list(formats)}; --format ${given} is not one of them`);
    },
  });
}
