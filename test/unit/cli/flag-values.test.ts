import { describe, expect, it } from 'vitest';
import { durationFlag, runIdFlag, runsFlag } from '../../../src/cli/flag-values.js';
import { main, type Terminal } from '../../../src/cli/main.js';
import { SafeIndexError } from '../../../src/errors.js';

/** Runs the CLI against a port that refuses connections: a flag error shows before any connection. */
async function run(
  argv: string[],
): Promise<{ exitCode: number; json: { errors: { code: string; message: string }[] } }> {
  let stdout = '';
  const term: Terminal = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
  };
  const exitCode = await main([...argv, '--url', 'postgres://check@127.0.0.1:1/none', '--format', 'json'], term);
  return { exitCode, json: JSON.parse(stdout) };
}

describe('flag values at their limits', () => {
  it('durations: milliseconds up to the limit, beyond it a usage error', () => {
    const flag = durationFlag('lock-timeout', 3_600_000);
    expect(flag('1h')).toBe(3_600_000);
    expect(flag('250ms')).toBe(250);
    expect(() => flag('61m')).toThrow(/--lock-timeout 61m is longer than the most it accepts, 1h/);
    expect(() => flag('soon')).toThrow(SafeIndexError);
  });

  it.each(['abc', '1.5', '0', '-1', '1e3', '2147483648', ''])('--run %j is not a run id', (value) => {
    expect(() => runIdFlag(value)).toThrow(/is not a run id/);
  });

  it('--run takes a whole run id', () => {
    expect(runIdFlag('42')).toBe(42);
    expect(runIdFlag(2147483647)).toBe(2147483647);
  });

  it.each(['0', '101', 'many', '2.5'])('explain --runs %j is refused', (value) => {
    expect(() => runsFlag(value)).toThrow(/whole number of timed runs from 1 to 100/);
  });

  it.each([
    [['rollback', '--run', 'abc'], 'is not a run id'],
    [['explain', '--runs', '1000000'], 'timed runs from 1 to 100'],
    [['apply', '--lock-timeout', '1000h'], 'longer than the most it accepts'],
  ])('%j exits 1 with code usage before connecting', async (argv, says) => {
    const { exitCode, json } = await run(argv);
    expect(exitCode).toBe(1);
    expect(json.errors[0]?.code).toBe('usage');
    expect(json.errors[0]?.message).toContain(says);
  });
});
