import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The folder holding the package's `package.json`, found upward from this module: the same answer from
 * `src/` (tests), from the bundled `dist/` (entry files and chunks sit at different depths) and from an
 * installed package.
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** A file or folder the package ships (`migrations/`, `index-plans/demo/`, `package.json`). */
export function packageFile(...parts: string[]): string {
  return join(packageRoot(), ...parts);
}
