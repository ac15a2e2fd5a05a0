import type { ServerInfo } from '../connection/database.js';
import { Index, type KeyPart } from '../model/index-model.js';
import type { TableRef } from '../model/schema.js';
import type { PlanIndexSpec, PlanKeyPart } from '../plan-file/types.js';

/** The table a plan entry names, with the connection's default schema filled in. */
export function tableOf(spec: PlanIndexSpec, server: ServerInfo): TableRef {
  return { schema: spec.schema ?? server.defaultSchema, name: spec.table };
}

function keyPartOf(part: PlanKeyPart): KeyPart {
  if (typeof part === 'string') return { column: part, order: 'asc' };
  const order = part.order ?? 'asc';
  const keyPart: KeyPart =
    part.column !== undefined ? { column: part.column, order } : { expression: part.expression, order };
  if (part.length !== undefined) keyPart.length = part.length;
  if (part.nulls !== undefined) keyPart.nulls = part.nulls;
  return keyPart;
}

/** Turns a plan entry into the neutral Index model (before the server canonicalizes it). */
export function indexOf(spec: PlanIndexSpec, server: ServerInfo): Index {
  const table = tableOf(spec, server);
  return new Index({
    schema: table.schema,
    table: table.name,
    name: spec.name,
    unique: spec.unique,
    method: spec.using ?? 'btree',
    keyParts: spec.columns.map(keyPartOf),
    ...(spec.where !== undefined ? { where: spec.where } : {}),
    include: spec.include,
  });
}
