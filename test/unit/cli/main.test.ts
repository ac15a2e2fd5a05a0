import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

describe('cli/main', () => {
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
});
