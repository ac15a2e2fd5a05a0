import { readFileSync } from 'node:fs';
import { packageFile } from './package-files.js';

let cached: string | undefined;

/** The tool's own version, from the package's package.json (found from src/ and from the bundled build). */
export function toolVersion(): string {
  cached ??= (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
