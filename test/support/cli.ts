import { main, type Terminal } from '../../src/cli/main.js';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (same code path as the binary) with captured output; `tty` makes stdout and stderr look like a terminal. */
export async function runCli(argv: string[], options: { tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const term: Terminal = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: options.tty ?? false,
    stderrIsTTY: options.tty ?? false,
    stdinIsTTY: false,
  };
  const exitCode = await main(argv, term);
  return { exitCode, stdout, stderr };
}

/** `apply <plan> --url <url> --yes --rollback-dir <rollbackDir>` followed by `extra`, in-process. */
export function applyPlan(plan: string, url: string, rollbackDir: string, ...extra: string[]): Promise<CliResult> {
  return runCli(['apply', plan, '--url', url, '--yes', '--rollback-dir', rollbackDir, ...extra]);
}
