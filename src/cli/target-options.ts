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
