// Shared by the benchmarks: a scratch database per server, and the median.
import { openDatabase, targetFromUrl } from './internal.mjs';

/**
 * Creates database `name` on the server of `adminUrl` and opens it; `drop()` closes and drops it.
 * A database of that name left by an interrupted run is dropped first.
 */
export async function createScratchDatabase(adminUrl, quote, name) {
  const admin = await openDatabase(targetFromUrl(adminUrl));
  await admin.query(`drop database if exists ${quote(name)}`);
  await admin.query(`create database ${quote(name)}`);
  await admin.close();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase(targetFromUrl(url.toString()));
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.close();
      const again = await openDatabase(targetFromUrl(adminUrl));
      await again.query(`drop database ${quote(name)}`);
      await again.close();
    },
  };
}

/** Creates database `name` on the server of `adminUrl`, runs `work(db, url)` on it, and drops it. */
export async function withScratchDatabase(adminUrl, quote, name, work) {
  const scratch = await createScratchDatabase(adminUrl, quote, name);
  try {
    return await work(scratch.db, scratch.url);
  } finally {
    await scratch.drop();
  }
}

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
