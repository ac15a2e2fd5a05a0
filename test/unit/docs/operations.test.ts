import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main, type Terminal } from '../../../src/cli/main.js';
import { loadFleet } from '../../../src/fleet/file.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { writePlan } from '../../support/plans.js';
import { yamlBlocks } from './markdown.js';

const read = (file: string) => readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8');

/** Port 1 on loopback refuses connections: a command that parses fails at connecting, not at usage. */
const unreachable = 'postgres://check@127.0.0.1:1/none';

/** The environment variables the documented fleet files name, set to URLs of distinct databases. */
const fleetEnv = new Proxy({} as NodeJS.ProcessEnv, {
  get: (_, name) =>
    typeof name === 'string' && /_URL$/.test(name) ? `postgres://app:pw@${name.toLowerCase()}/app` : undefined,
});

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

  it('has YAML examples that load as valid plans, or as fleet files', async () => {
    const blocks = yamlBlocks(doc);
    expect(blocks.length).toBeGreaterThan(0);
    const fleets = blocks.filter((block) => block.startsWith('targets:'));
    expect(fleets.length).toBeGreaterThan(0);
    for (const block of blocks.filter((b) => !fleets.includes(b)))
      expect((await loadPlans([await writePlan(block)])).indexes.length).toBeGreaterThan(0);
    for (const block of fleets)
      expect((await loadFleet(await writePlan(block, 'fleet.yml'), fleetEnv)).targets.length).toBeGreaterThan(1);
  });

  it('shows only command lines the CLI accepts', async () => {
    const commands = safeIndexCommands(doc);
    expect(commands.length).toBeGreaterThanOrEqual(4);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  }, 30_000);
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
  }, 30_000);
});

type Step = { run?: string; uses?: string; name?: string; with?: Record<string, string> };

describe('examples/github-actions.yml', () => {
  const text = read('examples/github-actions.yml');
  const workflow = parse(text) as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const runsOf = (job: string) => workflow.jobs[job]!.steps.map((step) => step.run ?? '').join('\n');

  it('plans on pull requests into a saved plan, posts the markdown and uploads plan.json', () => {
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    expect(runsOf('plan')).toContain('safe-index plan index-plans --out plan.json --format markdown > plan.md');
    expect(runsOf('plan')).toContain('gh pr comment');
    const upload = workflow.jobs.plan!.steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with).toMatchObject({ name: 'safe-index-plan', path: 'plan.json' });
  });

  it('on merge downloads that artifact, applies exactly plan.json and keeps the rollback script', () => {
    const steps = workflow.jobs.apply!.steps;
    const download = steps.findIndex((step) => step.run?.includes('gh run download "$run_id" --name safe-index-plan'));
    const apply = steps.findIndex((step) => step.run?.includes('safe-index apply plan.json --yes'));
    expect(download).toBeGreaterThan(-1);
    expect(apply).toBeGreaterThan(download);
    const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact'));
    expect(upload?.with?.path).toContain('rollbacks/');
  });

  it('the parser check catches a command the CLI does not have, or a flag it lacks', async () => {
    expect(await parses(['aply', 'index-plans'])).toBe(false);
    expect(await parses(['plan', 'index-plans', '--outt', 'plan.json'])).toBe(false);
  });

  it('uses only command lines the CLI accepts', async () => {
    const runs = Object.keys(workflow.jobs).map(runsOf).join('\n');
    const commands = safeIndexCommands(runs);
    expect(commands.map((argv) => argv[0])).toEqual(['plan', 'show', 'apply']);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  }, 30_000);
});

describe('examples/gitlab-ci.yml', () => {
  const pipeline = parse(read('examples/gitlab-ci.yml')) as Record<
    string,
    { stage?: string; script?: string[]; artifacts?: { paths: string[] } }
  >;
  const scriptOf = (job: string) => (pipeline[job]?.script ?? []).join('\n');

  it('plans in merge requests into plan.json kept as an artifact; applies it on the default branch', () => {
    expect(pipeline.stages).toEqual(['plan', 'deploy']);
    expect(scriptOf('index-plan')).toContain('safe-index plan index-plans --out plan.json --format markdown > plan.md');
    expect(pipeline['index-plan']!.artifacts!.paths).toContain('plan.json');
    expect(scriptOf('index-apply')).toContain('/raw/plan.json?job=index-plan');
    expect(scriptOf('index-apply')).toContain('safe-index apply plan.json --yes');
    expect(pipeline['index-apply']!.artifacts!.paths).toContain('rollbacks/');
  });

  it('uses only command lines the CLI accepts', async () => {
    const commands = safeIndexCommands(Object.keys(pipeline).map(scriptOf).join('\n'));
    expect(commands.map((argv) => argv[0])).toEqual(['plan', 'show', 'apply']);
    for (const argv of commands) expect(await parses(argv), argv.join(' ')).toBe(true);
  }, 30_000);
});

describe('examples/fleet.yml', () => {
  it('loads as a fleet of four targets in three waves, the canary alone first', async () => {
    const fleet = await loadFleet(new URL('../../../examples/fleet.yml', import.meta.url).pathname, fleetEnv);
    expect(fleet.targets.map((target) => target.name)).toEqual([
      'eu-canary',
      'eu-tenants',
      'us-tenants',
      'billing-mariadb',
    ]);
    expect(fleet.waves.map((wave) => wave.length)).toEqual([1, 2, 1]);
    expect(fleet.targets[0]!.replicas).toHaveLength(1);
  });
});
