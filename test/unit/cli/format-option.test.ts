import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

// a URL nothing listens on: a command that got past its flags fails to connect, which these tests tell apart
const nowhere = ['--url', 'postgres://u@127.0.0.1:1/x'];

/** Each command, a format it does not render, and the formats its error must name. */
const rejected: Array<[string[], string, string]> = [
  [['plan', ...nowhere], 'github', 'plan prints text, json or markdown'],
  [['apply', ...nowhere], 'github', 'apply prints text, json or markdown'],
  [['explain', ...nowhere], 'github', 'explain prints text, json or markdown'],
  [['usage', ...nowhere], 'github', 'usage prints text, json or markdown'],
  [['rollback', ...nowhere], 'markdown', 'rollback prints text or json'],
  [['history', ...nowhere], 'markdown', 'history prints text or json'],
  [['export', ...nowhere], 'markdown', 'export prints text or json'],
  [['demo'], 'markdown', 'demo prints text or json'],
  [['show', 'no-such-plan.json'], 'json', 'show prints text or markdown'],
  [['lint', 'no-such-file.sql', '--dialect', 'postgres'], 'markdown', 'lint prints text, json or github'],
];

describe('--format per command', () => {
  it.each(rejected)('%j rejects --format %s with exit 1 before doing anything', async (argv, format, names) => {
    const result = await runCli([...argv, '--format', format]);
    expect(result.exitCode).toBe(1);
    if (format === 'json') expect(JSON.parse(result.stdout).errors[0].code).toBe('usage');
    const output = format === 'json' ? JSON.parse(result.stdout).errors[0].message : result.stderr;
    expect(output).toContain(`${names}; --format ${format} is not one of them`);
    expect(result.stderr).not.toMatch(/connect|ENOENT|no such file/i);
  });

  it('rejects a format no command has, naming the ones this command has', async () => {
    const result = await runCli(['history', ...nowhere, '--format=yaml']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('history prints text or json; --format yaml is not one of them');
  });

  it.each([
    ['plan', 'markdown'],
    ['apply', 'json'],
    ['explain', 'markdown'],
    ['usage', 'markdown'],
    ['rollback', 'json'],
    ['history', 'json'],
    ['export', 'json'],
  ])('%s accepts --format %s (and then fails only on the missing server)', async (command, format) => {
    const result = await runCli([command, ...nowhere, '--format', format]);
    expect(result.exitCode).toBe(1);
    const message = format === 'json' ? JSON.parse(result.stdout).errors[0].message : result.stderr;
    expect(message).not.toContain('is not one of them');
    expect(message).toMatch(/connect/i);
  });

  it('lint accepts --format github and prints annotations', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'safe-index-format-')), 'unsafe.sql');
    writeFileSync(file, "SET lock_timeout = '5s';\nCREATE INDEX orders_status ON orders (status);\n");
    const result = await runCli(['lint', file, '--dialect', 'postgres', '--format', 'github']);
    expect(result.stderr).not.toContain('is not one of them');
    expect(result.stdout).toMatch(/^::error file=/m);
  });
});
