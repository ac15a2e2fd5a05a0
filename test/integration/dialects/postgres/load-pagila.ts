import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the Pagila schema fixture. */
export const pagilaSchemaFile = fileURLToPath(new URL('../../../fixtures/pagila-schema.sql', import.meta.url));

/** Runs a SQL file with psql against the database at `url` (stops at the first error). */
export function runPsqlFile(url: string, file: string): void {
  const target = new URL(url);
  const password = decodeURIComponent(target.password);
  target.password = '';
  const env = { ...process.env, PGPASSWORD: password };
  const run = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.toString(), '-f', file], {
    env,
    encoding: 'utf8',
  });
  if (run.error) throw new Error(`psql could not run: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`psql failed on ${file}: ${run.stderr}`);
}
