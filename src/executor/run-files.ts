import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { SafeIndexError } from '../errors.js';

/** A file in the rollback directory could not be created or written. */
export class RunFileError extends SafeIndexError {
  constructor(message: string, cause?: unknown) {
    super('rollback_dir', message, { cause });
  }
}

/** Exclusive creation that never follows a symlink (O_NOFOLLOW is 0 where the platform lacks it). */
const exclusiveFlags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | (constants.O_NOFOLLOW ?? 0);

/** Run files may hold definitions of sensitive names: only their owner reads them. */
const fileMode = 0o600;

/** How many numbered alternatives are tried when a file name is taken. */
const maxAlternatives = 100;

/**
 * The base name of a run's files, `<database>-<run>`: run ids are per database, so the database keeps
 * runs of different databases that share a directory apart. Characters a file name should not carry
 * become `_`.
 */
export function runFileBase(database: string, runId: number): string {
  const safe =
    database
      .replace(/[^\p{L}\p{N}_.-]/gu, '_')
      .replace(/^\./, '_')
      .slice(0, 100) || 'database';
  return `${safe}-${runId}`;
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/** Creates the directory (0700 when it is new) and proves a file can be created in it. */
export async function checkWritableDir(dir: string): Promise<void> {
  let probe: string | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    probe = path.join(dir, `.safe-index-probe-${randomBytes(6).toString('hex')}`);
    const handle = await open(probe, exclusiveFlags, fileMode);
    await handle.close();
  } catch (error) {
    throw new RunFileError(
      `the rollback directory ${dir} cannot receive files (${describe(error)}): nothing was run; give --rollback-dir a writable directory`,
      error,
    );
  } finally {
    if (probe) await unlink(probe).catch(() => {});
  }
}

/** A run file created (empty) before the work it records, filled in once the work is done. */
export interface RunFile {
  readonly path: string;
  /** Replaces the file's content and closes it. */
  write(text: string): Promise<void>;
}

/**
 * Creates `<dir>/<base><ext>` exclusively with mode 0600, never overwriting a file and never following
 * a symlink; when the name is taken, `<base>.2<ext>`, `<base>.3<ext>`, ... are tried.
 */
export async function createRunFile(dir: string, base: string, ext: string): Promise<RunFile> {
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw new RunFileError(`cannot create the rollback directory ${dir} (${describe(error)})`, error);
  });
  for (let n = 1; n <= maxAlternatives; n += 1) {
    const file = path.join(dir, `${base}${n === 1 ? '' : `.${n}`}${ext}`);
    let handle: FileHandle;
    try {
      handle = await open(file, exclusiveFlags, fileMode);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new RunFileError(`cannot create ${file} (${describe(error)})`, error);
    }
    return {
      path: file,
      write: async (text) => {
        try {
          await handle.truncate(0);
          // writeFile loops until every byte is written (a bare write may stop short, e.g. at a file size limit)
          await handle.writeFile(text, 'utf8');
        } catch (error) {
          // a cut-off script could be run by hand: the file goes (it is ours, created exclusively)
          await handle.close().catch(() => {});
          await unlink(file).catch(() => {});
          throw new RunFileError(`cannot write ${file} (${describe(error)}); the partial file was removed`, error);
        } finally {
          await handle.close().catch(() => {});
        }
      },
    };
  }
  throw new RunFileError(`${path.join(dir, `${base}${ext}`)} and ${maxAlternatives - 1} numbered alternatives exist`);
}

/** Creates a run file exclusively and writes it at once; returns its path. */
export async function writeRunFile(dir: string, base: string, ext: string, text: string): Promise<string> {
  const file = await createRunFile(dir, base, ext);
  await file.write(text);
  return file.path;
}
