import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The tool's own version, from package.json (beside both src/ and dist/). */
export function toolVersion(): string {
  cached ??= String(
    (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string }).version ??
      '0.0.0',
  );
  return cached;
}
