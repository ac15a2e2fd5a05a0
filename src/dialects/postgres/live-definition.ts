import type { LiveIndex, TableRef } from '../../model/schema.js';
import { quoteIdent, quoteQualified } from './identifiers.js';

/**
 * A captured pg_get_indexdef cut at its fixed points: `CREATE [UNIQUE] INDEX ` (head), the index name
 * as the server quoted it, then ` ON [ONLY] <schema>.<table>` and the tail from ` USING ` on. The cut is
 * found by matching the name and table in both quotings the server may have chosen, never by parsing.
 */
export interface LiveDefinitionParts {
  head: string;
  /** Everything after the table: ` USING method (...) ...`. */
  tail: string;
}

function spellings(name: string): string[] {
  return [quoteIdent(name), name];
}

/**
 * The tail with the live index's tablespace written in: `TABLESPACE` stands before `WHERE`, which ends
 * the definition as the catalog prints the predicate; undefined when the tail does not end so.
 */
function withTablespace(tail: string, live: LiveIndex): string | undefined {
  const { tablespace } = live.live;
  if (tablespace === undefined) return tail;
  const clause = ` TABLESPACE ${quoteIdent(tablespace)}`;
  if (live.where === undefined) return tail + clause;
  const where = ` WHERE ${live.where}`;
  return tail.endsWith(where) ? tail.slice(0, -where.length) + clause + where : undefined;
}

/**
 * Cuts a live index's definition into head and tail (with its tablespace, which pg_get_indexdef leaves
 * out), or undefined when it does not have the expected shape.
 */
export function splitLiveDefinition(live: LiveIndex, table: TableRef): LiveDefinitionParts | undefined {
  const text = live.live.definition;
  const head = ['CREATE UNIQUE INDEX ', 'CREATE INDEX '].find((prefix) => text.startsWith(prefix));
  if (!head) return undefined;
  for (const name of spellings(live.name)) {
    for (const schema of spellings(table.schema)) {
      for (const relation of spellings(table.name)) {
        for (const only of ['ONLY ', '']) {
          const prefix = `${head}${name} ON ${only}${schema}.${relation} USING `;
          if (!text.startsWith(prefix)) continue;
          const tail = withTablespace(text.slice(prefix.length - ' USING '.length), live);
          return tail === undefined ? undefined : { head, tail };
        }
      }
    }
  }
  return undefined;
}

/**
 * The live definition written again under `name` on `table` (a partition, or the table itself):
 * `CONCURRENTLY` for an online build, `ON ONLY` for a partitioned parent's catalog-only entry.
 */
export function statementFromLive(
  parts: LiveDefinitionParts,
  name: string,
  table: TableRef,
  options: { concurrently: boolean; only: boolean },
): string {
  const concurrently = options.concurrently ? 'CONCURRENTLY ' : '';
  const only = options.only ? 'ONLY ' : '';
  return `${parts.head}${concurrently}${quoteIdent(name)} ON ${only}${quoteQualified(table.schema, table.name)}${parts.tail}`;
}
