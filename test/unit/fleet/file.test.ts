import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanError } from '../../../src/errors.js';
import { loadFleet } from '../../../src/fleet/file.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { runCli } from '../../support/cli.js';
import { writePlan } from '../../support/plans.js';

const env = {
  TENANT_A_URL: 'postgres://app:s3cret@db-a:5432/app',
  REPLICA_A_URL: 'postgres://app:r3plica@db-a-replica/app',
};

async function problems(yaml: string, environment: NodeJS.ProcessEnv = env) {
  const file = await writePlan(yaml, 'fleet.yml');
  const error = await loadFleet(file, environment).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanError);
  return { file, problems: (error as PlanError).problems };
}

describe('loadFleet', () => {
  it('reads targets from url and url_env, replicas from env names and URLs, canary then the rest', async () => {
    const file = await writePlan(
      `targets:
  - name: tenant-a
    url_env: TENANT_A_URL
    replicas: [REPLICA_A_URL, "postgres://app@db-a-r2/app"]
  - name: tenant-b
    url: mysql://app@db-b/app
  - name: tenant-c
    url: postgres://app@db-c/app
canary: tenant-b
`,
      'fleet.yml',
    );
    const fleet = await loadFleet(file, env);
    expect(fleet.waves.map((wave) => wave.map((t) => t.name))).toEqual([['tenant-b'], ['tenant-a', 'tenant-c']]);
    const a = fleet.targets[0]!;
    expect(a.url).toBe(env.TENANT_A_URL);
    expect(a.display).not.toContain('s3cret');
    expect(a.replicas).toEqual([env.REPLICA_A_URL, 'postgres://app@db-a-r2/app']);
    expect(fleet.secrets).toEqual(expect.arrayContaining(['s3cret', 'r3plica']));
  });

  it('keeps explicit waves in order; without canary or waves, one wave in file order', async () => {
    const targets = `targets:
  - {name: a, url: "postgres://h1/db"}
  - {name: b, url: "postgres://h2/db"}
  - {name: c, url: "postgres://h3/db"}
`;
    const waves = await loadFleet(await writePlan(`${targets}waves: [[c], [a, b]]\n`, 'f.yml'), {});
    expect(waves.waves.map((w) => w.map((t) => t.name))).toEqual([['c'], ['a', 'b']]);
    const one = await loadFleet(await writePlan(targets, 'f.yml'), {});
    expect(one.waves.map((w) => w.map((t) => t.name))).toEqual([['a', 'b', 'c']]);
  });

  it('an unknown name in waves is an error at its line and column', async () => {
    const { file, problems: found } = await problems(`targets:
  - name: a
    url: postgres://h1/db
  - name: b
    url: postgres://h2/db
waves:
  - [a]
  - [b, nope]
`);
    expect(found).toEqual([
      expect.objectContaining({
        code: 'fleet_unknown_target',
        file,
        line: 8,
        column: 9,
        message: expect.stringContaining('"nope"'),
      }),
    ]);
  });

  it('a missing url_env names the variable at its line, never a value', async () => {
    const { problems: found } = await problems(`targets:
  - name: a
    url_env: NOT_SET_ANYWHERE
`);
    expect(found).toEqual([
      expect.objectContaining({
        code: 'fleet_missing_env',
        line: 3,
        message: expect.stringContaining('NOT_SET_ANYWHERE'),
      }),
    ]);
  });

  it.each([
    ['postgres://u@127.0.0.1:5432/app', 'postgresql://v:pw@localhost/app'],
    ['mysql://root@DB.example:3306/shop', 'mariadb://app@db.example/shop'],
    ['postgres://postgres@h/postgres', 'postgres://postgres@h:5432'],
  ])('two spellings of one database (%s, %s) are the same URL', async (first, second) => {
    const { problems: found } = await problems(`targets:
  - name: one
    url: "${first}"
  - name: two
    url: "${second}"
`);
    expect(found).toEqual([expect.objectContaining({ code: 'fleet_duplicate_url', line: 5 })]);
    expect(JSON.stringify(found)).not.toContain(':pw@');
  });

  it('different databases, ports or servers are not the same URL', async () => {
    const file = await writePlan(
      `targets:
  - {name: a, url: "postgres://h/app"}
  - {name: b, url: "postgres://h/app2"}
  - {name: c, url: "postgres://h:5433/app"}
  - {name: d, url: "mysql://h/app"}
`,
      'f.yml',
    );
    expect((await loadFleet(file, {})).targets).toHaveLength(4);
  });

  it('duplicate names, both canary and waves, a target in no wave or in two, bad URLs and unknown keys', async () => {
    const { problems: found } = await problems(`targets:
  - {name: a, url: "postgres://h1/db"}
  - {name: a, url: "postgres://h2/db"}
  - {name: b, url: "redis://h3/db", extra: 1}
`);
    expect(found.map((p) => [p.code, p.line])).toEqual([['fleet_unknown_key', 4]]);
    const second = await problems(`targets:
  - {name: a, url: "postgres://h1/db"}
  - {name: a, url: "postgres://h2/db"}
  - {name: b, url: "redis://h3/db"}
  - {name: c, url: "postgres://h4/db"}
  - {name: d, url: "postgres://h5/db"}
waves: [[a, d], [d]]
`);
    expect(second.problems.map((p) => [p.code, p.line])).toEqual([
      ['fleet_duplicate_name', 3],
      ['fleet_invalid_url', 4],
      ['fleet_duplicate_wave', 7],
      ['fleet_unplaced_target', 5],
    ]);
    const both = await problems(`targets:
  - {name: a, url: "postgres://h1/db"}
canary: a
waves: [[a]]
`);
    expect(both.problems).toEqual([expect.objectContaining({ code: 'fleet_invalid_value', line: 4 })]);
  });

  it('a replica named by an unset variable, or of another kind of server, is an error at its line', async () => {
    const { problems: found } = await problems(`targets:
  - name: a
    url: postgres://h1/db
    replicas:
      - MISSING_REPLICA
      - mysql://h2/db
`);
    expect(found.map((p) => [p.code, p.line])).toEqual([
      ['fleet_missing_env', 5],
      ['fleet_invalid_url', 6],
    ]);
  });

  it('a target name that could leave --rollback-dir is refused', async () => {
    const { problems: found } = await problems(`targets:
  - {name: ../up, url: "postgres://h1/db"}
`);
    expect(found).toEqual([expect.objectContaining({ code: 'fleet_invalid_value', line: 2 })]);
  });
});

describe('fleet file encoding', () => {
  /** The same bytes as a plan file and as a fleet file: `0xff 0xfe` at line 3, column 11 (byte). */
  async function write(name: string, yaml: [string, string]): Promise<string> {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'si-fleet-encoding-')), name);
    await writeFile(file, Buffer.concat([Buffer.from(yaml[0]), Buffer.from([0xff, 0xfe]), Buffer.from(yaml[1])]));
    return file;
  }
  async function problemOf(load: Promise<unknown>) {
    const error = await load.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlanError);
    return (error as PlanError).problems;
  }

  it('invalid UTF-8 is an error at its line and column, as in a plan file, not U+FFFD in a name', async () => {
    const fleetFile = await write('fleet.yml', [
      'targets:\n  - name: a\n    url: postgres://h1/db\n  - name: b_',
      '\n    url: postgres://h2/db\n',
    ]);
    const planFile = await write('plan.yml', [
      'indexes:\n  - name: a\n    table: t\n    columns: [x]\n  - name: b_',
      '\n    table: t\n    columns: [y]\n',
    ]);
    const fleetProblems = await problemOf(loadFleet(fleetFile, {}));
    const planProblems = await problemOf(loadPlans([planFile]));
    expect(fleetProblems).toEqual([
      expect.objectContaining({ code: 'fleet_encoding', file: fleetFile, line: 4, column: 13 }),
    ]);
    expect(planProblems).toEqual([
      expect.objectContaining({ code: 'plan_encoding', file: planFile, line: 5, column: 13 }),
    ]);
    const fleetMessage = fleetProblems[0]?.message ?? '';
    expect(fleetMessage).toBe(
      'the file is not UTF-8: invalid byte sequence at byte 0xff (offset 59); save the fleet file as UTF-8',
    );
    expect(planProblems[0]?.message).toMatch(
      /^the file is not UTF-8: invalid byte sequence at byte 0xff \(offset \d+\); save the plan as UTF-8$/,
    );
  });

  it('the CLI reports it at file:line:col and exits 1 before connecting anywhere', async () => {
    const fleetFile = await write('fleet.yml', ['targets:\n  - name: a', '\n    url: postgres://h1/db\n']);
    const result = await runCli(['plan', '--targets', fleetFile]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${fleetFile}:2:12`);
    expect(result.stderr).toContain('not UTF-8');
  });
});
