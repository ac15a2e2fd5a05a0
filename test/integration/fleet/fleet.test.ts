import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/connection/database.js';
import { targetFromUrl } from '../../../src/connection/target.js';
import { dialectOf } from '../../../src/dialects/index.js';
import { acquireRunLock } from '../../../src/executor/run-lock.js';
import { type CliResult, runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { stateTables } from '../../support/state.js';
import { schemaDump } from '../apply/cli.js';

const pg = testServers().find((server) => server.label === 'pg15');
const mariadb = testServers().find((server) => server.label === 'mariadb');
if (!pg || !mariadb) console.log('fleet tests skipped: they need PostgreSQL on 5432 and MariaDB on 3306');

/** The same plan for every target: a plain index, then a unique one the third target's data violates. */
const plan = `settings:
  lock_timeout: 2s
indexes:
  - name: idx_orders_customer
    table: orders
    columns: [customer]
  - name: uq_orders_code
    table: orders
    columns: [code]
    unique: true
`;

/** The parts of the single-target apply document this test reads. */
interface ApplyDocument {
  status: string;
  rollback_file: string;
  changes: { index: string; status: string }[];
}

/** The status of each target in a fleet command's JSON document, in the fleet's order. */
function statuses(run: CliResult): string[] {
  return (JSON.parse(run.stdout) as { targets: { status: string }[] }).targets.map((t) => t.status);
}

/** `[name, status]` of each target in a fleet command's JSON document, in the document's order. */
function namedStatuses(run: CliResult): [string, string][] {
  return (JSON.parse(run.stdout) as { targets: { name: string; status: string }[] }).targets.map((t) => [
    t.name,
    t.status,
  ]);
}

/** A listener that counts the connections it is offered: proof that a command opened none. */
async function connectionCounter(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server: Server = createServer((socket) => {
    count += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `postgres://probe@127.0.0.1:${port}/probe`,
    count: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!pg || !mariadb)('fleet (--targets) on three PostgreSQL databases and one MariaDB database', () => {
  const tests: TestDatabase[] = [];
  let dir: string;
  let planFile: string;
  let fleetFile: string;
  const password = 'fleet-s3cret-pw';
  /** `apply <plan> --targets <the fleet> --format json --yes`, then `extra`. */
  const applyFleet = (plan: string, ...extra: string[]) =>
    runCli(['apply', plan, '--targets', fleetFile, '--format', 'json', '--yes', ...extra]);
  /** `rollback --targets <the fleet> --format json --yes`. */
  const rollbackFleet = () => runCli(['rollback', '--targets', fleetFile, '--format', 'json', '--yes']);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'si-fleet-'));
    for (const server of [pg!, pg!, pg!, mariadb!]) tests.push(await createTestDatabase(server, 'si_fleet'));
    for (const [i, test] of tests.entries()) {
      await test.exec('create table orders (id int primary key, customer int not null, code varchar(20) not null)');
      // the third target holds two rows with one code: its unique build fails
      const codes = i === 2 ? ['A', 'B', 'A'] : ['A', 'B', 'C'];
      await test.exec(
        `insert into orders (id, customer, code) values ${codes.map((code, n) => `(${n + 1}, ${n % 2}, '${code}')`).join(', ')}`,
      );
    }
    planFile = path.join(dir, 'orders.yml');
    await writeFile(planFile, plan);
    // PostgreSQL on 5432 trusts local logins, so a password in the URL is accepted and must never be printed
    const withPassword = new URL(tests[1]!.url);
    withPassword.password = password;
    vi.stubEnv('FLEET_SECOND_URL', withPassword.toString());
    fleetFile = path.join(dir, 'fleet.yml');
    await writeFile(
      fleetFile,
      `targets:
  - name: canary
    url: "${tests[0]!.url}"
  - name: second
    url_env: FLEET_SECOND_URL
  - name: third
    url: "${tests[2]!.url}"
  - name: fourth
    url: "${tests[3]!.url}"
canary: canary
`,
    );
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    for (const test of tests) await test.drop();
    await rm(dir, { recursive: true, force: true });
  });

  describe('bad fleet files: exit 1 with file:line, nothing touched, no connection opened', () => {
    let probe: Awaited<ReturnType<typeof connectionCounter>>;
    beforeAll(async () => {
      probe = await connectionCounter();
    });
    afterAll(async () => {
      await probe.close();
    });

    const cases: [string, (urls: string[]) => string, string, number][] = [
      [
        'an unknown target name in waves',
        ([a, b]) => `targets:\n  - {name: a, url: "${a}"}\n  - {name: b, url: "${b}"}\nwaves:\n  - [a]\n  - [b, c]\n`,
        'fleet_unknown_target',
        6,
      ],
      [
        'a missing url_env',
        ([a]) => `targets:\n  - {name: a, url: "${a}"}\n  - name: b\n    url_env: SAFE_INDEX_FLEET_UNSET\n`,
        'fleet_missing_env',
        4,
      ],
      [
        'two targets with the same URL, spelled differently',
        ([a, b]) =>
          `targets:\n  - {name: a, url: "${a}"}\n  - {name: b, url: "${b}"}\n  - {name: c, url: "${a!.replace('postgres://', 'postgresql://').replace('127.0.0.1', 'localhost')}"}\n`,
        'fleet_duplicate_url',
        4,
      ],
      [
        'a duplicate name',
        ([a, b]) => `targets:\n  - {name: a, url: "${a}"}\n  - {name: a, url: "${b}"}\n`,
        'fleet_duplicate_name',
        3,
      ],
    ];

    it.each(cases)('%s', async (_, yaml, code, line) => {
      const file = path.join(dir, `bad-${code}.yml`);
      await writeFile(file, yaml([tests[0]!.url, probe.url]));
      const before = await schemaDump(tests[0]!);
      for (const command of ['plan', 'apply']) {
        const run = await runCli([
          command,
          planFile,
          '--targets',
          file,
          '--format',
          'json',
          ...(command === 'apply' ? ['--yes'] : []),
        ]);
        expect(run.exitCode, command).toBe(1);
        const { errors } = JSON.parse(run.stdout) as { errors: { code: string; file: string; line: number }[] };
        expect(errors, command).toEqual([expect.objectContaining({ code, file, line })]);
        const text = await runCli([command, planFile, '--targets', file]);
        expect(text.stderr).toContain(`${file}:${line}:`);
      }
      expect(probe.count()).toBe(0);
      expect(await stateTables(tests[0]!)).toEqual([]);
      expect(await schemaDump(tests[0]!)).toBe(before);
    });

    it('plan, history and usage read every target: one that cannot be reached is failed, the others are still read', async () => {
      const file = path.join(dir, 'unreachable.yml');
      await writeFile(
        file,
        `targets:\n  - {name: first, url: "${tests[0]!.url}"}\n  - {name: down, url: "${probe.url.replace('probe@', 'probe:pr0be-pw@')}"}\n  - {name: last, url: "${tests[3]!.url}"}\n`,
      );
      for (const command of ['plan', 'history', 'usage']) {
        const run = await runCli(
          [command, planFile, '--targets', file, '--format', 'json'].filter(
            (arg) => command !== 'history' || arg !== planFile,
          ),
        );
        expect(run.exitCode, command).toBe(1);
        const fleet = JSON.parse(run.stdout) as {
          targets: { name: string; status: string; error: string | null; result: { errors?: { code: string }[] } }[];
        };
        expect(
          fleet.targets.map((t) => t.name),
          command,
        ).toEqual(['first', 'down', 'last']);
        const [first, down, last] = fleet.targets;
        expect(down!.status, command).toBe('failed');
        expect(down!.error, command).toEqual(expect.any(String));
        expect(down!.result.errors?.[0]?.code, command).toEqual(expect.any(String));
        const read = command === 'plan' ? ['pending', 'in_sync'] : ['noop'];
        expect(read, command).toContain(first!.status);
        expect(read, command).toContain(last!.status);
        expect(`${run.stdout}${run.stderr}`, command).not.toContain('pr0be-pw');
      }
      expect(probe.count()).toBeGreaterThan(0);
    });
  });

  it('apply: canary and second applied, third failed on duplicates, fourth skipped and untouched; rollback restores the first two', async () => {
    const before = await Promise.all(tests.map((test) => schemaDump(test)));
    const rollbackDir = path.join(dir, 'rollbacks');

    const planned = await runCli(['plan', planFile, '--targets', fleetFile, '--format', 'json']);
    expect(planned.exitCode).toBe(2);
    expect(statuses(planned)).toEqual(['pending', 'pending', 'pending', 'pending']);

    const applied = await applyFleet(planFile, '--rollback-dir', rollbackDir);
    expect(applied.exitCode).toBe(1);
    const fleet = JSON.parse(applied.stdout) as {
      targets: {
        name: string;
        target: string;
        status: string;
        run: number | null;
        error: string | null;
        result: ApplyDocument;
      }[];
    };
    expect(namedStatuses(applied)).toEqual([
      ['canary', 'applied'],
      ['second', 'applied'],
      ['third', 'failed'],
      ['fourth', 'skipped'],
    ]);
    const [canary, second, third, fourth] = fleet.targets;
    expect(Object.keys(canary!).sort()).toEqual(['error', 'name', 'result', 'run', 'status', 'target']);
    expect(canary!.run).toEqual(expect.any(Number));
    expect(canary!.result.status).toBe('applied');
    expect(canary!.result.changes.map((c: { index: string; status: string }) => [c.index, c.status])).toEqual([
      ['idx_orders_customer', 'applied'],
      ['uq_orders_code', 'applied'],
    ]);
    expect(second!.error).toBeNull();
    expect(third!.error).toMatch(/duplicate/i);
    expect(third!.result.status).toBe('failed');
    expect(fourth).toMatchObject({ run: null, error: null, result: null });
    expect(canary!.result.rollback_file).toContain(path.join(rollbackDir, 'canary'));

    // progress names each target; the password of the second target's URL appears nowhere
    expect(applied.stderr).toMatch(/\[canary\] /);
    expect(applied.stderr).toMatch(/\[third\] failed/);
    expect(applied.stderr).not.toMatch(/\[fourth\]/);
    expect(`${applied.stdout}${applied.stderr}`).not.toContain(password);
    expect(second!.target).not.toContain(password);

    // first two carry the indexes; the third is as before (its partial run undone); the fourth untouched
    for (const test of tests.slice(0, 2)) {
      const live = await schemaDump(test);
      expect(live).toContain('idx_orders_customer');
      expect(live).toContain('uq_orders_code');
    }
    expect(await schemaDump(tests[2]!)).toBe(before[2]);
    expect(await schemaDump(tests[3]!)).toBe(before[3]);
    expect(await stateTables(tests[3]!)).toEqual([]);

    const text = await runCli(['history', '--targets', fleetFile]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/== canary postgres:\/\/.*: noop \(run \d+\)/);

    const undone = await rollbackFleet();
    expect(undone.exitCode).toBe(0);
    const rolled = JSON.parse(undone.stdout) as { targets: { name: string; status: string; run: number | null }[] };
    // last wave first, each wave back to front
    expect(namedStatuses(undone)).toEqual([
      ['fourth', 'noop'],
      ['third', 'noop'],
      ['second', 'rolled_back'],
      ['canary', 'rolled_back'],
    ]);
    expect(rolled.targets[3]!.run).toBe(canary!.run);
    for (const [i, test] of tests.entries()) expect(await schemaDump(test), `target ${i + 1}`).toBe(before[i]);
    expect(await stateTables(tests[3]!)).toEqual([]);

    // a second fleet rollback finds each newest run already undone: nothing more is undone anywhere
    const again = await rollbackFleet();
    expect(again.exitCode).toBe(0);
    expect(statuses(again)).toEqual(['noop', 'noop', 'noop', 'noop']);
  });

  it('rollback --targets undoes only the latest fleet apply: an earlier apply on a target it skipped stays', async () => {
    const rollbackDir = path.join(dir, 'rollbacks-2');
    const plainPlan = path.join(dir, 'customer.yml');
    await writeFile(plainPlan, plan.slice(0, plan.indexOf('  - name: uq_orders_code')));
    const first = await applyFleet(plainPlan, '--rollback-dir', rollbackDir);
    expect(first.exitCode).toBe(0);
    expect(statuses(first)).toEqual(['applied', 'applied', 'applied', 'applied']);
    const afterFirst = await Promise.all(tests.map((test) => schemaDump(test)));

    const second = await applyFleet(planFile, '--rollback-dir', rollbackDir);
    expect(second.exitCode).toBe(1);
    expect(statuses(second)).toEqual(['applied', 'applied', 'failed', 'skipped']);

    const undone = await rollbackFleet();
    expect(undone.exitCode).toBe(0);
    expect(namedStatuses(undone)).toEqual([
      ['fourth', 'noop'],
      ['third', 'noop'],
      ['second', 'rolled_back'],
      ['canary', 'rolled_back'],
    ]);
    expect(undone.stderr).toMatch(/\[fourth\] run \d+, the newest, was not made by the fleet apply being undone/);
    // the first apply is intact everywhere, the fourth target's included
    for (const [i, test] of tests.entries()) expect(await schemaDump(test), `target ${i + 1}`).toBe(afterFirst[i]);

    // clean up for the next test: each database's own rollback of the first apply
    for (const test of tests) {
      const own = await runCli(['rollback', '--url', test.url, '--yes', '--format', 'json']);
      expect(own.exitCode).toBe(0);
    }
  });

  it('a database whose run lock another apply holds fails the fleet there; nothing after it starts', async () => {
    const db = await openDatabase(targetFromUrl(tests[1]!.url));
    const lock = await acquireRunLock(db, dialectOf(db).executor, 0);
    try {
      const applied = await applyFleet(planFile, '--wait', '0s', '--rollback-dir', path.join(dir, 'rollbacks-3'));
      expect(applied.exitCode).toBe(1);
      const fleet = JSON.parse(applied.stdout) as {
        targets: { name: string; status: string; result: { errors: { code: string }[] } | null }[];
      };
      expect(namedStatuses(applied)).toEqual([
        ['canary', 'applied'],
        ['second', 'failed'],
        ['third', 'skipped'],
        ['fourth', 'skipped'],
      ]);
      expect(fleet.targets[1]!.result!.errors[0]!.code).toBe('concurrent_run');
    } finally {
      await lock.release();
      await db.close();
    }
    expect((await runCli(['rollback', '--targets', fleetFile, '--yes'])).exitCode).toBe(0);
  });
});
