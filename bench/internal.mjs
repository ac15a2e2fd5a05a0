// The modules of src/ the benchmarks call directly (not part of the package's API, so not in the
// bundled dist/): compiled from the TypeScript sources with esbuild into node_modules/.cache.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}node_modules/.cache/safe-index-bench`;

await build({
  absWorkingDir: root,
  entryPoints: {
    database: 'src/connection/database.ts',
    target: 'src/connection/target.ts',
    dialects: 'src/dialects/index.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});

export const { openDatabase } = await import(`${outdir}/database.js`);
export const { targetFromUrl } = await import(`${outdir}/target.js`);
export const { createDialect } = await import(`${outdir}/dialects.js`);
