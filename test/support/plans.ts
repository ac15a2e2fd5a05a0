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
