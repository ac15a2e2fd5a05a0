import { createTwoFilesPatch } from 'diff';
import type { LiveTable, TableRef } from '../model/schema.js';
import { sha256 } from './stable-json.js';

/** The live state one saved change depends on: every index of its table, as the server defines it. */
export interface TableFingerprint {
  schema: string;
  table: string;
  /** One line per index, sorted by name: the server's own definition and its valid/visible flags. */
  indexes: string[];
  /** SHA-256 of `indexes` joined by newlines. */
  sha256: string;
}

/**
 * One index as a fingerprint line: `<definition> -- valid` (or `INVALID`, `invisible`), then what the
 * saved SQL also depends on when the server keeps it: `REPLICA IDENTITY`, `CLUSTER`, the tablespace, the
 * comment and statistics targets (PostgreSQL; a replace carries the first three, a rollback restores all five).
 */
function indexLine(index: LiveTable['indexes'][number]): string {
  const { live } = index;
  const flags = [
    live.valid ? 'valid' : 'INVALID',
    ...(live.visible ? [] : ['invisible']),
    ...(live.replicaIdentity ? ['REPLICA IDENTITY'] : []),
    ...(live.clustered ? ['CLUSTER'] : []),
    ...(live.tablespace !== undefined ? [`tablespace ${JSON.stringify(live.tablespace)}`] : []),
    ...(live.comment !== undefined ? [`comment ${JSON.stringify(live.comment)}`] : []),
    ...(live.statisticsTargets?.length
      ? [`statistics ${live.statisticsTargets.map(({ column, target }) => `${column}:${target}`).join(' ')}`]
      : []),
  ];
  return `${live.definition} -- ${flags.join(', ')}`;
}

/** Fingerprint of a table's indexes; a missing table has no indexes (its fingerprint still compares). */
export function tableFingerprint(ref: TableRef, table: LiveTable | undefined): TableFingerprint {
  const sorted = [...(table?.indexes ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const indexes = sorted.map(indexLine);
  return { schema: ref.schema, table: ref.name, indexes, sha256: sha256(indexes.join('\n')) };
}

/** What changed on one table since the plan was saved: a unified diff of its index definitions. */
export interface TableDrift {
  schema: string;
  table: string;
  diff: string;
}

/** The tables whose live fingerprint differs from the saved one, each with a diff saved → live. */
export function fingerprintDrift(saved: readonly TableFingerprint[], live: readonly TableFingerprint[]): TableDrift[] {
  const liveOf = new Map(live.map((entry) => [`${entry.schema}.${entry.table}`, entry]));
  return saved.flatMap((entry) => {
    const now = liveOf.get(`${entry.schema}.${entry.table}`);
    if (!now || now.sha256 === entry.sha256) return [];
    const name = `${entry.schema}.${entry.table}`;
    const text = (lines: string[]) => (lines.length > 0 ? `${lines.join('\n')}\n` : '');
    const patch = createTwoFilesPatch(name, name, text(entry.indexes), text(now.indexes), 'saved plan', 'live now', {
      context: 3,
    });
    // drop the "Index:" and "====" banner lines diff puts first; keep ---/+++ and the hunks
    const diff = patch.split('\n').slice(2).join('\n').trimEnd();
    return [{ schema: entry.schema, table: entry.table, diff }];
  });
}
