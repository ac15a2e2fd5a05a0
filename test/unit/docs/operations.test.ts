import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main, type Terminal } from '../../../src/cli/main.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { writePlan } from '../../support/plans.js';
import { yamlBlocks } from './markdown.js';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');

/** Port 1 on loopback refuses connections: a command that parses fails at connecting, not at usage. */
const unreachable = 'postgres://check@127.0.0.1:1/none';

/** Runs a command line with the real CLI against an unreachable server; true when yargs accepted it. */
async function parses(argv: string[]): Promise<boolean> {
  let stderr = '';
  const term: Terminal = {
    stdout: () => {},
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    stdinIsTTY: false,
  };
  await main([...argv, '--url', unreachable], term);
  return !stderr.includes('Run safe-index --help for usage');
}

/** The `safe-index ...` command lines of a text, shell quoting removed. */
function safeIndexCommands(text: string): string[][] {
  return [...text.matchAll(/^\s*(?:run: )?safe-index ([^\n#>|]+)/gm)].map((match) =>
    [...match[1]!.trim().matchAll(/"[^"]*"|\S+/g)].map((word) => word[0].replace(/^"|"$/g, '')),
  );
}

describe('docs/operations.md', () => {
  const doc = read('docs/operations.md');

  it('has YAML examples that load as valid plans', async () => {
    const blocks = yamlBlocks(doc);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect((await loadPlans([await writePlan(block)])).indexes.length).toBeGreaterThan(0);
  });

  it('shows only command lines the CLI accepts', async () => {
    const commands = safeIndexCommands(doc);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  });
});

describe('README.md', () => {
  const doc = read('README.md');

  it('has a plan example that loads', async () => {
    const blocks = yamlBlocks(doc);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect((await loadPlans([await writePlan(block)])).indexes.length).toBeGreaterThan(0);
  });

  it('shows only command lines the CLI accepts', async () => {
    const commands = safeIndexCommands(doc);
    expect(commands.length).toBeGreaterThanOrEqual(10);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  });
});

describe('examples/github-actions.yml', () => {
  const text = read('examples/github-actions.yml');
  const workflow = parse(text) as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }>;
  };

  it('plans on pull requests and posts the markdown as a comment', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    const runs = workflow.jobs.plan!.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).toContain('safe-index plan index-plans --format markdown > plan.md');
    expect(runs).toContain('gh pr comment');
  });

  it('applies on deploy and keeps the rollback script as an artifact', () => {
    const steps = workflow.jobs.apply!.steps;
    expect(steps.map((step) => step.run ?? '').join('\n')).toContain('safe-index apply index-plans --yes');
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toContain('rollbacks/');
  });

  it('the parser check catches a command the CLI does not have', async () => {
    expect(await parses(['aply', 'index-plans'])).toBe(false);
  });

  it('uses only command lines the CLI accepts', async () => {
    const commands = safeIndexCommands(text);
    expect(commands).toHaveLength(2);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  });
});
