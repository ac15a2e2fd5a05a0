import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const folder = mkdtempSync(path.join(tmpdir(), 'safe-index-lint-'));
const write = (name: string, text: string) => {
  const file = path.join(folder, name);
  writeFileSync(file, text);
  return file;
};
const unsafe = write('unsafe.sql', "SET lock_timeout = '5s';\nCREATE INDEX orders_status ON orders (status);\n");
const safe = write(
  'safe.sql',
  "SET lock_timeout = '5s';\nCREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);\n",
);

describe('safe-index lint', () => {
  it('prints file:line:col level rule message and help, and exits 1 on an error-level finding', async () => {
    const { exitCode: code, stdout } = await runCli(['lint', unsafe, '--dialect', 'postgres']);
    expect(code).toBe(1);
    expect(stdout).toContain(`${unsafe}:2:1 error create-index-non-concurrently CREATE INDEX without CONCURRENTLY`);
    expect(stdout).toContain('    help: Use CREATE INDEX CONCURRENTLY');
  });

  it('exits 0 on a clean file, taking the dialect from the URL scheme', async () => {
    const { exitCode: code, stdout } = await runCli(['lint', safe, '--url', 'postgresql://app:secret@db.invalid/shop']);
    expect(code).toBe(0);
    expect(stdout).toContain('1 file(s) linted: 0 error(s), 0 warning(s)');
  });

  it('lints every .sql file of a folder, in name order', async () => {
    const { exitCode: code, stdout } = await runCli(['lint', folder, '--dialect', 'postgres']);
    expect(code).toBe(1);
    expect(stdout.indexOf(`${unsafe}:2:1`)).toBeGreaterThanOrEqual(0);
    expect(stdout).toMatch(/\d+ file\(s\) linted/);
    expect(Number(/(\d+) file\(s\) linted/.exec(stdout)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('exits 0 when only warnings remain', async () => {
    const file = write('warn.sql', 'ALTER TABLE orders ADD INDEX idx_a (a), ALGORITHM=INPLACE, LOCK=NONE;\n');
    const { exitCode: code, stdout } = await runCli([
      'lint',
      file,
      '--url',
      'mariadb://root@localhost/shop',
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.findings.map((f: { rule: string }) => f.rule)).toEqual(['missing-lock-timeout']);
    expect(document.summary).toEqual({ errors: 0, warnings: 1, suppressed: 0 });
  });

  it('prints GitHub annotations', async () => {
    const { stdout } = await runCli(['lint', unsafe, '--dialect', 'postgres', '--format', 'github']);
    expect(stdout.split('\n')[0]).toMatch(
      new RegExp(
        `^::error file=${unsafe.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},line=2,col=1,title=create-index-non-concurrently::CREATE INDEX without CONCURRENTLY`,
      ),
    );
  });

  it('applies the config file: a rule turned off, another re-levelled', async () => {
    const config = write(
      'lint.yml',
      'lint:\n  rules:\n    create-index-non-concurrently: warning\n    missing-lock-timeout: "off"\n',
    );
    const file = write('config.sql', 'CREATE INDEX idx_a ON orders (a);\n');
    const { exitCode: code, stdout } = await runCli([
      'lint',
      file,
      '--dialect',
      'postgres',
      '--config',
      config,
      '--format',
      'json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings.map((f: { rule: string; level: string }) => `${f.rule}:${f.level}`)).toEqual([
      'create-index-non-concurrently:warning',
    ]);
  });

  it('rejects a config that names an unknown rule', async () => {
    const config = write('bad.yml', 'lint:\n  rules:\n    no-such-rule: "off"\n');
    const { exitCode: code, stderr } = await runCli(['lint', safe, '--dialect', 'postgres', '--config', config]);
    expect(code).toBe(1);
    expect(stderr).toContain('unknown rules: no-such-rule');
  });

  it('checks index names against the prefix the plans share when --plans is given', async () => {
    const { stdout } = await runCli([
      'lint',
      unsafe,
      '--dialect',
      'postgres',
      '--plans',
      'test/fixtures/lint-corpus/plans',
      '--format',
      'json',
    ]);
    const naming = JSON.parse(stdout).findings.filter((f: { rule: string }) => f.rule === 'index-name-pattern');
    expect(naming).toHaveLength(1);
    expect(naming[0].message).toContain('"orders_status"');
    expect(naming[0].message).toContain('names start with "idx_"');
  });

  it('treats every file as wrapped in a transaction with --assume-in-transaction', async () => {
    const { exitCode: code, stdout } = await runCli(['lint', safe, '--dialect', 'postgres', '--assume-in-transaction']);
    expect(code).toBe(1);
    expect(stdout).toContain('concurrently-in-transaction');
  });

  it('asks for a dialect when neither --dialect nor a URL names one', async () => {
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const { exitCode: code, stderr } = await runCli(['lint', safe]);
      expect(code).toBe(1);
      expect(stderr).toContain('--dialect');
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
  });
});
