import type { Argv } from 'yargs';
import type { CliIo, CommandOutcome } from './io.js';

/**
 * One CLI command: a yargs builder and a thin handler that calls core and renders its result. Its usage
 * line and description live in `commands/index.ts`, so `--help` loads no command module.
 */
export interface SafeIndexCommand<Args = Record<string, unknown>> {
  builder: (yargs: Argv) => Argv;
  run: (args: Args, io: CliIo) => Promise<CommandOutcome>;
}

/** Declares a command; typed helper that keeps command files small. */
export function defineCommand<Args>(command: SafeIndexCommand<Args>): SafeIndexCommand<Args> {
  return command;
}
