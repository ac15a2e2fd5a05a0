import { createInterface } from 'node:readline/promises';
import pc from 'picocolors';
import yargs, { type Argv } from 'yargs';
import { redact, secretsOfUrl } from '../connection/target.js';
import { ExitCode, errorCodeOf, formatProblem, PlanError, SafeIndexError } from '../errors.js';
import { problemJson } from '../render/json/errors.js';

import { toolVersion } from '../version.js';
import { commandTable } from './commands/index.js';
import type { CliIo, CommandOutcome } from './io.js';

/** Passwords that must never reach stdout or stderr, gathered from the command line and environment. */
function knownSecrets(argv: string[]): string[] {
  const candidates = [process.env.DATABASE_URL, ...argv.map((arg) => arg.replace(/^--url=/, ''))];
  return candidates.flatMap((candidate) =>
    candidate && /^[a-z]+:\/\//i.test(candidate) ? secretsOfUrl(candidate) : [],
  );
}

/** The `--format` the command line asks for, read without yargs (which may be what failed). */
function requestedFormat(argv: string[]): string | undefined {
  const index = argv.findIndex((arg) => arg === '--format' || arg.startsWith('--format='));
  if (index < 0) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

/** Where the CLI writes; the real process streams by default, captured ones in tests. */
export interface Terminal {
  stdout(text: string): void;
  stderr(text: string): void;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
}

/** The process's own terminal. */
export const processTerminal: Terminal = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdoutIsTTY: Boolean(process.stdout.isTTY),
  stderrIsTTY: Boolean(process.stderr.isTTY),
  stdinIsTTY: Boolean(process.stdin.isTTY),
};

function makeIo(secrets: string[], term: Terminal): CliIo {
  const color = term.stderrIsTTY && !process.env.NO_COLOR;
  let progressShown = false;
  const clean = (text: string) => redact(text, secrets);
  return {
    isTTY: term.stdoutIsTTY && term.stdinIsTTY,
    stderrIsTTY: term.stderrIsTTY,
    color,
    log(line) {
      if (progressShown) term.stderr('\r\x1b[2K');
      progressShown = false;
      term.stderr(`${clean(line)}\n`);
    },
    progress(line) {
      if (term.stderrIsTTY) {
        term.stderr(`\r\x1b[2K${clean(line)}`);
        progressShown = true;
      } else {
        term.stderr(`${clean(line)}\n`);
      }
    },
    async confirm(question) {
      if (!term.stdinIsTTY || !term.stdoutIsTTY) return false;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
      }
    },
  };
}

function describeError(error: unknown, wantJson: boolean): { text: string; exitCode: number } {
  if (error instanceof PlanError) {
    const text = wantJson
      ? JSON.stringify({ errors: error.problems.map(problemJson) }, null, 2)
      : error.problems.map((problem) => `error: ${formatProblem(problem)}`).join('\n');
    return { text, exitCode: error.exitCode };
  }
  const message = error instanceof Error ? error.message : String(error);
  const exitCode = error instanceof SafeIndexError ? error.exitCode : ExitCode.error;
  const code = errorCodeOf(error);
  return {
    text: wantJson ? JSON.stringify({ errors: [{ code, message }] }, null, 2) : `error: ${message}`,
    exitCode,
  };
}

/**
 * Stops yargs from rendering the chosen command's full help text every time it starts a command's
 * handler. yargs keeps that text for a `showHelp()` called after the handler has started; this CLI never
 * makes one (usage errors throw from `.fail()` before any handler runs, `--help` runs no handler), so
 * the render was ~10 ms of CPU in every `plan` and `apply` for text nobody reads. Help and usage-error
 * output are unchanged: `--help` renders its text as before. yargs (18) exposes the hook only through
 * its internal methods; returns false (and changes nothing) where they are missing.
 */
export function skipHelpCacheOnCommandRun(parser: Argv): boolean {
  type Internal = { getInternalMethods?: () => { getUsageInstance?: () => { cacheHelpMessage?: () => void } } };
  const usage = (parser as unknown as Internal).getInternalMethods?.().getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage !== 'function') return false;
  usage.cacheHelpMessage = () => {};
  return true;
}

/** Parses the command line, runs the command, prints its outcome and returns the exit code. */
export async function main(argv: string[], term: Terminal = processTerminal): Promise<number> {
  const secrets = knownSecrets(argv);
  const io = makeIo(secrets, term);
  let outcome: CommandOutcome | undefined;
  let failure: unknown;
  const wantJson = requestedFormat(argv) === 'json';
  const parser = yargs(argv)
    .scriptName('safe-index')
    .usage('$0 <command> [options]\n\nDeclarative, online, measured and reversible index changes.')
    .option('url', {
      type: 'string',
      describe: 'database URL (postgres://, mysql://, mariadb://); default DATABASE_URL',
    })
    .option('knexfile', { type: 'string', describe: 'read the connection from a knexfile' })
    .option('env', { type: 'string', describe: 'knexfile environment (default NODE_ENV or development)' })
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(toolVersion()) // yargs' own lookup does not find package.json from the bundled build
    .exitProcess(false)
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((message, error) => {
      // throwing stops yargs from running the command after a usage error (e.g. an unknown flag)
      // yargs rewraps what a flag's coerce throws as a YError, keeping its message: a usage error too
      if (error && error.name !== 'YError') throw error;
      throw new SafeIndexError('usage', message ?? error?.message ?? 'invalid command line');
    });
  skipHelpCacheOnCommandRun(parser);
  for (const entry of commandTable) {
    // yargs calls the builder of the chosen command only: its module is imported there, no other
    parser.command(
      entry.command,
      entry.describe,
      async (yargs) => (await entry.load()).builder(yargs),
      async (args) => {
        try {
          outcome = await (await entry.load()).run(args as never, io);
        } catch (error) {
          failure = error;
        }
      },
    );
  }
  try {
    await parser.parseAsync();
  } catch (error) {
    failure ??= error;
  }
  // what a flag's coerce throws reaches here rewrapped as a yargs YError (message kept): a usage error
  if (failure instanceof Error && failure.name === 'YError') failure = new SafeIndexError('usage', failure.message);
  if (failure) {
    const { text, exitCode } = describeError(failure, wantJson);
    if (wantJson) term.stdout(`${redact(text, secrets)}\n`);
    else {
      term.stderr(`${redact(pc.createColors(io.color).red(text), secrets)}\n`);
      if (failure instanceof SafeIndexError && failure.code === 'usage')
        term.stderr('Run safe-index --help for usage.\n');
    }
    return exitCode;
  }
  if (outcome) {
    if (outcome.stdout)
      // documents are rendered from masked sources only (Target.display); scrubbing them as text would
      // corrupt JSON when a password is a common word such as "postgres"
      term.stdout(outcome.stdout.endsWith('\n') ? outcome.stdout : `${outcome.stdout}\n`);
    return outcome.exitCode;
  }
  return ExitCode.ok;
}
