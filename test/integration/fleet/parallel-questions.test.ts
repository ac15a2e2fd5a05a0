import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type Terminal } from '../../../src/cli/main.js';

/** Runs the CLI in-process on a terminal (stdin and stdout both TTYs), where apply and rollback would ask. */
async function onTerminal(argv: string[]): Promise<{ exitCode: number; stderr: string }> {
  let stderr = '';
  const term: Terminal = {
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: true,
    stderrIsTTY: true,
    stdinIsTTY: true,
  };
  return { exitCode: await main(argv, term), stderr };
}

const interleave = '--parallel above 1 on a terminal needs --yes (questions would interleave)';

describe('a fleet run on a terminal whose targets would ask at once', () => {
  let dir: string;
  let fleetFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'si-parallel-'));
    fleetFile = path.join(dir, 'fleet.yml');
    // nothing listens on port 1: a command that got past the check fails connecting, with another message
    await writeFile(
      fleetFile,
      'targets:\n  - {name: a, url: "postgres://x@127.0.0.1:1/a"}\n  - {name: b, url: "postgres://x@127.0.0.1:1/b"}\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['apply', []],
    ['rollback', []],
  ])('%s --parallel 2 without --yes is refused before any connection', async (command, extra) => {
    const result = await onTerminal([command, '--targets', fleetFile, '--parallel', '2', ...extra]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(interleave);
  });

  it.each([
    ['apply', ['--yes']],
    ['rollback', ['--yes']],
    ['rollback', ['--dry-run']],
  ])('%s --parallel 2 %s asks nothing, so it is not refused for that', async (command, extra) => {
    const result = await onTerminal([command, '--targets', fleetFile, '--parallel', '2', ...extra]);
    expect(result.stderr).not.toContain(interleave);
  });
});
