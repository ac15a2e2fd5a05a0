import type { Argv } from 'yargs';
import type { TargetOptions } from '../connection/target.js';

/** The connection flags every command shares, as yargs hands them over. */
export interface TargetArgs {
  url?: string;
  knexfile?: string;
  env?: string;
}

/** Picks the connection flags out of parsed arguments. */
export function targetOptions(args: TargetArgs): TargetOptions {
  return {
    ...(args.url !== undefined ? { url: args.url } : {}),
    ...(args.knexfile !== undefined ? { knexfile: args.knexfile } : {}),
    ...(args.env !== undefined ? { env: args.env } : {}),
  };
}

/** Declares `--replica URL` (repeatable): a replica read the same way as the primary. */
export function replicaOption<T>(yargs: Argv<T>) {
  return yargs.option('replica', {
    type: 'string',
    array: true,
    default: [] as string[],
    describe:
      "a replica URL (repeatable): its index usage is read like the primary's, and apply/rollback wait for its lag",
  });
}
