import { main, type Terminal } from '../../src/cli/main.js';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process (same code path as the binary) with captured, non-TTY output. */
export async function runCli(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const term: Terminal = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
  };
  const exitCode = await main(argv, term);
  return { exitCode, stdout, stderr };
}
