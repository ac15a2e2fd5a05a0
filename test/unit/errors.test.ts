import { describe, expect, it } from 'vitest';
import { errorCodeOf, SafeIndexError } from '../../src/errors.js';
import { StatementFailure } from '../../src/executor/statements.js';
import { runCli } from '../support/cli.js';

describe('errorCodeOf', () => {
  it('reads the code of a SafeIndexError', () => {
    expect(errorCodeOf(new SafeIndexError('no_such_run', 'run 9 is not recorded'))).toBe('no_such_run');
  });

  it('gives a classified statement failure its kind as the code', () => {
    const failure = new StatementFailure({ kind: 'lock_timeout', message: 'lock wait timed out' }, 3, 0, undefined);
    expect(failure).toBeInstanceOf(SafeIndexError);
    expect(errorCodeOf(failure)).toBe('lock_timeout');
    expect(failure.message).toBe('lock wait timed out');
  });

  it.each([
    ['a PostgreSQL server error', Object.assign(new Error('permission denied'), { code: '42501', severity: 'ERROR' })],
    ['a MySQL server error', Object.assign(new Error('SELECT denied'), { errno: 1142, sqlState: '42000' })],
  ])('calls %s server_error', (_, error) => {
    expect(errorCodeOf(error)).toBe('server_error');
  });

  it('calls a refused file file_access', () => {
    const error = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', syscall: 'open' });
    expect(errorCodeOf(error)).toBe('file_access');
  });

  it('keeps internal for errors the tool did not mean to raise', () => {
    expect(errorCodeOf(new TypeError('x is undefined'))).toBe('internal');
    expect(errorCodeOf('a string')).toBe('internal');
    // a Node error code is not a SQLSTATE
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ERR_ASSERTION' }))).toBe('internal');
  });
});

describe('codes on the command line', () => {
  it('parseDuration says invalid_duration', async () => {
    const { parseDuration } = await import('../../src/plan-file/duration.js');
    expect(() => parseDuration('5x')).toThrow(expect.objectContaining({ code: 'invalid_duration' }));
  });

  it('a bad duration flag is a usage error naming the flag, exit 1, before connecting', async () => {
    const result = await runCli([
      'apply',
      '--url',
      'postgres://u@127.0.0.1:1/x',
      '--lock-timeout',
      '5x',
      '--format',
      'json',
    ]);
    expect(result.exitCode).toBe(1);
    const [error] = JSON.parse(result.stdout).errors;
    expect(error.code).toBe('usage');
    expect(error.message).toBe('--lock-timeout: invalid duration "5x" (write e.g. 500ms, 5s, 2m, 7d)');
  });

  it('an unreachable server is connection, not internal', async () => {
    const result = await runCli(['history', '--url', 'postgres://u@127.0.0.1:1/x', '--format', 'json']);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).errors[0].code).toBe('connection');
  });
});
