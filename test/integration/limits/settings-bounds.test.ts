import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { createTestDatabase, type TestDatabase, testServers, testServersOf } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';
import { writePlan } from '../../support/plans.js';
import { stateTables } from '../../support/state.js';

const entry = `indexes:
  - name: idx_a
    table: t
    columns: [a]
`;

describe.each(testServers())('settings and flags at their limits on $label', (server) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(server);
    await test.exec('create table t (id int primary key, a int)');
  });
  afterAll(async () => {
    await test?.drop();
  });

  it('lock_timeout: 1000h and max_retries: 100000000000 fail plan and apply at file:line, before any DDL or record', async () => {
    const file = await writePlan(`settings:\n  lock_timeout: 1000h\n  max_retries: 100000000000\n${entry}`);
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode).toBe(1);
    const errors = JSON.parse(planned.stdout).errors as { code: string; line: number; message: string }[];
    expect(errors.map((error) => [error.line, error.code])).toEqual([
      [2, 'plan_invalid_value'],
      [3, 'plan_invalid_value'],
    ]);
    expect(errors[0]?.message).toContain('at most 1h');
    expect(errors[1]?.message).toContain('at most 100');
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', `${file}.rb`]);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toMatch(/plan\.yml:2:\d+: settings\.lock_timeout: must be at most 1h/);
    expect(applied.stderr).not.toContain('out of range');
    expect(await stateTables(test)).toEqual([]);
    expect(await indexNames(test.db, 't')).not.toContain('idx_a');
  });

  it('--lock-timeout and --snapshot-wait beyond their limits are usage errors before connecting', async () => {
    const file = await writePlan(entry);
    for (const [flag, value, limit] of [
      ['--lock-timeout', '1000h', '1h'],
      ['--snapshot-wait', '2d', '1d'],
      ['--wait', '99999999999999999999h', '1d'],
    ]) {
      const result = await runCli(['apply', file, '--url', test.url, '--yes', flag!, value!, '--format', 'json']);
      expect(result.exitCode, `${flag} ${value}`).toBe(1);
      const [error] = JSON.parse(result.stdout).errors;
      expect(error).toMatchObject({ code: 'usage' });
      expect(error.message).toContain(`${flag} ${value} is longer than the most it accepts, ${limit}`);
    }
    expect(await stateTables(test)).toEqual([]);
  });

  it('rollback --run abc, 1.5, 0 and a number past a run id are refused with a clear error', async () => {
    const file = await writePlan(entry);
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', `${file}.rb`]);
    expect(applied.exitCode, applied.stderr).toBe(0);
    for (const run of ['abc', '1.5', '0', '-1', '99999999999']) {
      const result = await runCli([
        'rollback',
        '--run',
        run,
        '--url',
        test.url,
        '--yes',
        '--rollback-dir',
        `${file}.rb`,
        '--format',
        'json',
      ]);
      expect(result.exitCode, run).toBe(1);
      const [error] = JSON.parse(result.stdout).errors;
      expect(error.code, `${run}: ${error.message}`).toBe('usage');
      expect(error.message).toContain('is not a run id');
    }
    // the run is still there, untouched
    expect(await indexNames(test.db, 't')).toContain('idx_a');
    const rolledBack = await runCli([
      'rollback',
      '--run',
      '1',
      '--url',
      test.url,
      '--yes',
      '--rollback-dir',
      `${file}.rb`,
    ]);
    expect(rolledBack.exitCode, rolledBack.stderr).toBe(0);
    expect(await indexNames(test.db, 't')).not.toContain('idx_a');
  });

  it('a plan file that is not UTF-8 is a file error, and no name with U+FFFD is created', async () => {
    const file = await writePlan('');
    await writeFile(
      file,
      Buffer.concat([
        Buffer.from('indexes:\n  - name: idx_'),
        Buffer.from([0xe9]),
        Buffer.from('t\n    table: t\n    columns: [a]\n'),
      ]),
    );
    const planned = await runCli(['plan', file, '--url', test.url, '--format', 'json']);
    expect(planned.exitCode).toBe(1);
    const [error] = JSON.parse(planned.stdout).errors;
    expect(error).toMatchObject({ code: 'plan_encoding', file, line: 2, column: 15 });
    const applied = await runCli(['apply', file, '--url', test.url, '--yes', '--rollback-dir', `${file}.rb`]);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toContain('not UTF-8');
    expect((await indexNames(test.db, 't')).filter((name) => name.includes('\uFFFD') || name.endsWith('t'))).toEqual(
      [],
    );
  });
});

describe.each(testServersOf('mysql'))('a MySQL URL without a database on $label', (server) => {
  it('plan, apply, history and rollback refuse it up front with code no_database', async () => {
    const file = await writePlan(entry);
    const url = server.adminUrl; // mysql://root@host:port/ - no database
    for (const argv of [
      ['plan', file],
      ['apply', file, '--yes', '--rollback-dir', `${file}.rb`],
      ['history'],
      ['rollback', '--yes', '--rollback-dir', `${file}.rb`],
    ]) {
      const result = await runCli([...argv, '--url', url, '--format', 'json']);
      expect(result.exitCode, argv[0]).toBe(1);
      const [error] = JSON.parse(result.stdout).errors;
      expect(error.code, `${argv[0]}: ${error.message}`).toBe('no_database');
      expect(error.message).toContain('names no database');
      expect(error.message).not.toContain('No database selected');
    }
  });
});
