import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes a plan file into a new temporary folder and returns the file's path. */
export async function writePlan(yaml: string, name = 'plan.yml'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'si-plan-'));
  const file = path.join(dir, name);
  await writeFile(file, yaml);
  return file;
}

/** Writes plan files (name → YAML) into one new temporary folder and returns the folder. */
export async function writePlans(files: Record<string, string>, prefix = 'si-plans-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  for (const [name, yaml] of Object.entries(files)) await writeFile(path.join(dir, name), yaml);
  return dir;
}
