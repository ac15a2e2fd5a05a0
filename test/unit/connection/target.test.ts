import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskUrl, redact, secretsOfUrl, targetFromKnexfile, targetFromUrl } from '../../../src/connection/target.js';
import { ConnectionError } from '../../../src/errors.js';

describe('password redaction of connection URLs', () => {
  it.each([
    ['postgres://u:TopSecret123@h/db', 'TopSecret123'],
    ['postgres://u@h/db?password=TopSecret123', 'TopSecret123'],
    ['mysql://u@h/db?sslmode=x&PASSWORD=TopSecret123', 'TopSecret123'],
  ])('%s: the display and the state column never carry the password', (url, password) => {
    const target = targetFromUrl(url);
    expect(target.display).not.toContain(password);
    expect(target.display).toContain('***');
    expect(target.secrets).toContain(password);
    expect(redact(`failed for ${password}`, target.secrets)).toBe('failed for ***');
  });

  it('keeps what is not secret', () => {
    expect(maskUrl('postgres://u@h:5433/db?sslmode=require')).toBe('postgres://u@h:5433/db?sslmode=require');
  });

  it.each(['postgres://u:p@ss:w/rd@h/db', 'postgres://u:Top/Secret@123@h/db', 'mysql://u:Top:Secret@h:notaport/db'])(
    '%s: an unparsable URL is reported without its userinfo',
    (url) => {
      let message = '';
      try {
        targetFromUrl(url);
      } catch (error) {
        expect(error).toBeInstanceOf(ConnectionError);
        message = (error as Error).message;
      }
      const userinfo = url.slice(url.indexOf('//') + 2, url.lastIndexOf('@'));
      const password = userinfo.slice(userinfo.indexOf(':') + 1);
      // either it did not parse (and the message hides the userinfo) or it parsed: then the display hides it
      if (message) {
        expect(message).toMatch(/not a valid database URL/);
        expect(message).not.toContain(password);
        expect(message).not.toContain(password.slice(0, 4));
      } else expect(targetFromUrl(url).display).not.toContain(password);
      expect(redact(url, secretsOfUrl(url))).not.toContain(password);
    },
  );
});

describe('password redaction of knexfiles', () => {
  it.each([
    [{ client: 'pg', connection: { host: 'db', user: 'app', password: 'KnexSecret1', database: 'app' } }],
    [{ client: 'pg', connection: { connectionString: 'postgres://app:KnexSecret1@db/app' } }],
    [{ client: 'pg', connection: { connectionString: 'postgres://app@db/app?password=KnexSecret1' } }],
    [{ client: 'mysql2', connection: 'mysql://app@db/app?password=KnexSecret1' }],
  ])('%j: the display never carries the password, the secrets do', async (config) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'si-knexfile-'));
    const file = path.join(dir, 'knexfile.json');
    await writeFile(file, JSON.stringify({ production: config }));
    const target = await targetFromKnexfile(file, 'production');
    expect(target.display).not.toContain('KnexSecret1');
    expect(target.secrets).toContain('KnexSecret1');
  });
});
