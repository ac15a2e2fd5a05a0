import { randomBytes } from 'node:crypto';
import type { Database, Session } from '../../connection/database.js';
import type { PlannedChange } from '../../model/change.js';
import { findTable, type LiveSchema, tableKey } from '../../model/schema.js';
import { driverError } from '../shared/driver-error.js';
import type { OnlineProbe, ProbedChange } from '../types.js';
import type { FlavorFeatures } from './flavor.js';
import { qualifiedTable, quoteMysqlIdent } from './identifiers.js';
import { onlineImpact, sharedImpact } from './render.js';

/** Scratch schemas are named `safe_index_probe_<ms since epoch, base 36>_<random>`: unique, and dated. */
export const probeSchemaPrefix = 'safe_index_probe_';

/** A scratch schema older than this was left by a probe that died (killed process): the next probe drops it. */
const staleAfterMs = 3_600_000;

/** The actions the probe checks: those that add or drop keys. Visibility toggles are metadata-only. */
const probedActions = new Set(['create', 'drop', 'replace']);

/** One way to run an ALTER: its clauses, and whether writes continue. */
interface Rung {
  clauses: string;
  online: boolean;
}

/** What the server accepted for one statement, and what it said about the online rung if it refused. */
interface Accepted {
  rung: Rung;
  refusal?: string;
}

const clausesAtEnd = /, ALGORITHM=\w+, LOCK=\w+$/;

function ladder(features: FlavorFeatures): Rung[] {
  return [
    { clauses: `ALGORITHM=${features.indexAlgorithm}, LOCK=NONE`, online: true },
    { clauses: 'ALGORITHM=INPLACE, LOCK=SHARED', online: false },
    { clauses: 'ALGORITHM=COPY, LOCK=SHARED', online: false },
  ];
}

function withClauses(statement: string, clauses: string): string {
  return statement.replace(clausesAtEnd, `, ${clauses}`);
}

function serverMessage(error: unknown): string {
  const { errno, message } = driverError(error);
  return errno ? `error ${errno} "${message}"` : message;
}

/** Tries the statement on the copy with each rung, cheapest first; the first the server accepts wins. */
async function tryLadder(session: Session, statement: string, rungs: Rung[]): Promise<Accepted | { failed: string }> {
  let refusal: string | undefined;
  for (const rung of rungs) {
    try {
      await session.query(withClauses(statement, rung.clauses));
      return { rung, ...(refusal !== undefined ? { refusal } : {}) };
    } catch (error) {
      refusal ??= serverMessage(error);
    }
  }
  return { failed: refusal ?? 'no ALGORITHM/LOCK combination accepted' };
}

/** The lock impact of the accepted clauses: the rules' text where the clauses are the rules' own. */
function impactOf(rung: Rung, before: PlannedChange): string {
  if (clausesAtEnd.exec(before.sql[0]!)?.[0] === `, ${rung.clauses}`) return before.lockImpact;
  // the server's parallel build settings the rules appended to a build stay
  const settings = /; built with .*$/.exec(before.lockImpact)?.[0] ?? '';
  if (rung.online) return `${onlineImpact}${settings}`;
  return `${rung.clauses.startsWith('ALGORITHM=COPY') ? `table copied under ${sharedImpact}` : sharedImpact}${settings}`;
}

/** Drops scratch schemas of probes that died more than an hour ago (the ones this login can see). */
async function dropStaleScratch(session: Session): Promise<void> {
  const rows = await session.query<{ name: string }>(
    'select schema_name as name from information_schema.schemata where schema_name like ?',
    [`${probeSchemaPrefix.replaceAll('_', '\\_')}%`],
  );
  for (const { name } of rows) {
    const born = Number.parseInt(name.slice(probeSchemaPrefix.length).split('_')[0] ?? '', 36);
    if (Number.isFinite(born) && Date.now() - born > staleAfterMs) {
      await session.query(`drop database if exists ${quoteMysqlIdent(name)}`).catch(() => {});
    }
  }
}

/** The change's statement on the copy: the table's qualified name swapped for the scratch one. */
function onCopy(statement: string, change: PlannedChange, scratch: string): string | null {
  const prefix = `ALTER TABLE ${qualifiedTable(change.table.schema, change.table.name)} `;
  if (!statement.startsWith(prefix) || !clausesAtEnd.test(statement)) return null;
  return `ALTER TABLE ${qualifiedTable(scratch, change.table.name)} ${statement.slice(prefix.length)}`;
}

/**
 * Runs each change's forward ALTER, in plan order, then each reverse ALTER, last first (as `apply` and
 * `rollback` would), on an empty `CREATE TABLE ... LIKE` copy of its table in a scratch schema of its
 * own, trying LOCK=NONE first, then LOCK=SHARED in place, then a copy. The first combination the server
 * accepts is the verdict. The scratch schema is dropped whatever happens. Where the probe cannot run
 * (no privilege to create the schema, a table it cannot copy), the rules' verdict stays and the probe
 * says why. A table with cascading foreign keys is left to the rules: a LIKE copy carries no foreign
 * keys, and MySQL 8.0/8.4 refuse LOCK=NONE because of them.
 */
export async function probeMysqlOnline(
  db: Database,
  changes: readonly PlannedChange[],
  live: LiveSchema,
  lockTimeoutMs: number,
  features: FlavorFeatures,
): Promise<OnlineProbe | null> {
  const verdicts = new Map<PlannedChange, ProbedChange>();
  const skipped = new Map<PlannedChange, string>();
  const probed = changes.filter(
    (change) => probedActions.has(change.action) && change.sql.length === 1 && change.rollback.length <= 1,
  );
  if (probed.length === 0) return null;
  const scratch = `${probeSchemaPrefix}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  let session: Session;
  try {
    session = await db.session('capability probe');
  } catch (error) {
    return unavailable(`could not open a connection for it: ${serverMessage(error)}`, verdicts, skipped);
  }
  let created = false;
  try {
    // the copy waits for the source table's metadata lock no longer than the plan's lock timeout
    await session.query(`set session lock_wait_timeout = ${Math.max(1, Math.ceil(lockTimeoutMs / 1000))}`);
    // keep the scratch schema off the binary log where the login may (SUPER or SYSTEM_VARIABLES_ADMIN)
    await session.query('set session sql_log_bin = 0').catch(() => {});
    await dropStaleScratch(session).catch(() => {});
    try {
      await session.query(`create database ${quoteMysqlIdent(scratch)}`);
      created = true;
      // the probe's statements show under the scratch schema in the process list, not the application's
      await session.query(`use ${quoteMysqlIdent(scratch)}`);
    } catch (error) {
      return unavailable(
        `this login may not create a scratch schema (${serverMessage(error).replaceAll(scratch, 'safe_index_probe_*')}); grant CREATE, DROP, ALTER, INDEX on \`safe\\_index\\_probe\\_%\`.* to let the server decide`,
        verdicts,
        skipped,
      );
    }
    const byTable = new Map<string, PlannedChange[]>();
    for (const change of probed)
      byTable.set(tableKey(change.table), [...(byTable.get(tableKey(change.table)) ?? []), change]);
    const rungs = ladder(features);
    for (const group of byTable.values()) {
      const table = findTable(live, group[0]!.table);
      const skipAll = (reason: string) => {
        for (const change of group) skipped.set(change, reason);
      };
      if (table?.cascadingForeignKeys && features.cascadingForeignKeysBlock) {
        skipAll('the table has cascading foreign keys, which a copy cannot carry: verdict from the rules');
        continue;
      }
      try {
        await session.query(
          `create table ${qualifiedTable(scratch, group[0]!.table.name)} like ${qualifiedTable(group[0]!.table.schema, group[0]!.table.name)}`,
        );
      } catch (error) {
        skipAll(`could not copy the table: ${serverMessage(error)}`);
        continue;
      }
      await probeTable(session, group, scratch, rungs, verdicts, skipped);
    }
  } finally {
    if (created) await session.query(`drop database if exists ${quoteMysqlIdent(scratch)}`).catch(() => {});
    await session.release();
  }
  const left = probed.filter((change) => !verdicts.has(change));
  const status = left.length === 0 ? 'ran' : verdicts.size === 0 ? 'unavailable' : 'partial';
  // the scratch name is random: left out, so the same plan prints the same document twice
  const message =
    status === 'ran'
      ? `the server decided the online verdict of ${verdicts.size} change(s): each ALTER ran on an empty copy of its table in a scratch schema (dropped)`
      : `${verdicts.size} of ${probed.length} change(s) checked on empty copies in a scratch schema (dropped); the others keep the rules' verdict`;
  return { status, message, verdicts, skipped };
}

/** Forward statements in plan order, then reverse statements last first, on one table's copy. */
async function probeTable(
  session: Session,
  group: PlannedChange[],
  scratch: string,
  rungs: Rung[],
  verdicts: Map<PlannedChange, ProbedChange>,
  skipped: Map<PlannedChange, string>,
): Promise<void> {
  const forward = new Map<PlannedChange, Accepted>();
  for (const [i, change] of group.entries()) {
    const statement = onCopy(change.sql[0]!, change, scratch);
    const result = statement ? await tryLadder(session, statement, rungs) : { failed: 'statement not recognised' };
    if ('failed' in result) {
      // the copy no longer follows the plan: the rest of this table keeps the rules' verdict
      for (const rest of group.slice(i)) skipped.set(rest, `the probe could not run it: ${result.failed}`);
      return;
    }
    forward.set(change, result);
  }
  for (const change of [...group].reverse()) {
    const accepted = forward.get(change)!;
    const reverse = change.rollback[0] === undefined ? null : onCopy(change.rollback[0], change, scratch);
    const undone = reverse ? await tryLadder(session, reverse, rungs) : null;
    if (undone && 'failed' in undone) {
      skipped.set(change, `the probe could not run its reverse: ${undone.failed}`);
      continue;
    }
    const online = accepted.rung.online && (undone?.rung.online ?? true);
    // where the rules said the same, their explanation stays and the server's words are added
    const agreed = !change.online && change.onlineReason ? `${change.onlineReason}; the server confirms: ` : '';
    const reason = !accepted.rung.online
      ? `${agreed || 'the server refuses LOCK=NONE for it: '}${accepted.refusal}`
      : undone && !undone.rung.online
        ? `${agreed || 'it runs with LOCK=NONE, but the server refuses LOCK=NONE for undoing it: '}${undone.refusal}`
        : undefined;
    verdicts.set(change, {
      sql: [withClauses(change.sql[0]!, accepted.rung.clauses)],
      rollback: undone && change.rollback[0] ? [withClauses(change.rollback[0], undone.rung.clauses)] : change.rollback,
      online,
      ...(reason ? { onlineReason: reason } : {}),
      lockImpact: impactOf(accepted.rung, change),
    });
  }
}

function unavailable(
  why: string,
  verdicts: Map<PlannedChange, ProbedChange>,
  skipped: Map<PlannedChange, string>,
): OnlineProbe {
  return {
    status: 'unavailable',
    message: `capability probe not run: ${why}; online verdicts come from the rules`,
    verdicts,
    skipped,
  };
}
