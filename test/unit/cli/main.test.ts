import { describe, expect, it } from 'vitest';
import yargs, { type Argv } from 'yargs';
import { skipHelpCacheOnCommandRun } from '../../../src/cli/main.js';
import { runCli } from '../../support/cli.js';
import { writePlan } from '../../support/plans.js';

/** Whether yargs rendered and kept a help text while running the command `go` (its internal usage state). */
async function helpCachedByCommandRun(hook: (parser: Argv) => boolean): Promise<{ hooked: boolean; cached: boolean }> {
  let ran = false;
  const parser = yargs(['go'])
    .command(
      'go',
      'a command',
      (y) => y.option('flag', { type: 'string', describe: 'a flag' }),
      () => {
        ran = true;
      },
    )
    .help()
    .exitProcess(false);
  const hooked = hook(parser);
  await parser.parseAsync();
  expect(ran).toBe(true);
  type Internal = { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } };
  return {
    hooked,
    cached: (parser as unknown as Internal).getInternalMethods().getUsageInstance().hasCachedHelpMessage(),
  };
}

describe('cli/main', () => {
  it('keeps yargs from rendering the whole help text when it runs a command (the hook still exists in this yargs)', async () => {
    expect(await helpCachedByCommandRun(() => false)).toEqual({ hooked: false, cached: true });
    expect(await helpCachedByCommandRun(skipHelpCacheOnCommandRun)).toEqual({ hooked: true, cached: false });
  });

  it('refuses an unknown flag before running the command', async () => {
    const result = await runCli(['apply', '--bogus-flag', '--url', 'postgres://u@127.0.0.1:1/x']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Unknown argument/);
    expect(result.stderr).not.toMatch(/cannot connect/);
  });

  it('refuses an unknown command', async () => {
    const result = await runCli(['plna']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/Unknown argument|Did you mean/);
  });

  it('reports a usage error as JSON with --format json', async () => {
    const result = await runCli(['plan', '--format', 'json', '--nope']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).errors[0].message).toMatch(/Unknown argument/);
  });

  it('exits 1 with a clear message when no database is given', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const result = await runCli(['plan', 'index-plans/examples']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/no database given/);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });

  it('reports malformed YAML as file:line:col before connecting anywhere', async () => {
    const file = await writePlan('indexes:\n  - name: idx_a\n    table: [unclosed\n');
    const text = await runCli(['plan', file, '--url', 'postgres://u@127.0.0.1:1/x']);
    expect(text.exitCode).toBe(1);
    expect(text.stderr).toMatch(
      new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`),
    );
    const json = await runCli(['plan', file, '--url', 'postgres://u@127.0.0.1:1/x', '--format', 'json']);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout).errors[0]).toMatchObject({ file, code: 'plan_yaml', line: expect.any(Number) });
  });

  it('reads --format=json written with an equals sign for errors too', async () => {
    const result = await runCli(['plan', '--format=json', '--nope']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).errors[0].message).toMatch(/Unknown argument/);
  });
});
