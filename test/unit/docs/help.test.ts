import { describe, expect, it, vi } from 'vitest';
import { main, type Terminal } from '../../../src/cli/main.js';

async function help(argv: string[]): Promise<string> {
  let out = '';
  const term: Terminal = {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      out += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
  };
  // yargs prints help with console.log, not through the terminal
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    out += `${args.join(' ')}\n`;
  });
  try {
    await main([...argv, '--help'], term);
  } finally {
    log.mockRestore();
  }
  return out;
}

const commands = ['plan', 'apply', 'rollback', 'history', 'explain', 'lint', 'export', 'demo', 'show'];

async function expectHelpWithExamples(command: string): Promise<void> {
  const text = await help([command]);
  expect(text).toContain(`safe-index ${command}`);
  expect(text).toContain('--url');
  expect(text).toContain('Examples:');
}

describe('--help', () => {
  it('lists every command of SPEC', async () => {
    const text = await help([]);
    for (const command of commands) expect(text).toMatch(new RegExp(`safe-index ${command}\\b`));
  });

  it.each(commands)('%s --help describes its flags and shows examples', expectHelpWithExamples);

  it.each([
    ['lint', 'output format: text, json or github'],
    ['show', 'output format: text or markdown'],
    ['plan', 'output format: text, json or markdown'],
    ['history', 'output format: text or json'],
  ])('%s --help lists only the formats it renders', async (command, line) => {
    expect(await help([command])).toContain(line);
  });
});
