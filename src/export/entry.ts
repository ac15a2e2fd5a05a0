import type { KeyPart } from '../model/index-model.js';
import { constraintKeywords, type LiveIndex } from '../model/schema.js';
import { indexSchema } from '../plan-file/schema.js';
import type { PlanKeyPart } from '../plan-file/types.js';

/** Methods a plan may name in `using:`, as the plan schema lists them. */
const planMethods: ReadonlySet<string> = new Set(indexSchema.shape.using.unwrap().options);

/** One exported index, shaped exactly as a plan file writes it (defaults left out). */
export interface ExportedIndex {
  name: string;
  table: string;
  schema?: string;
  columns: PlanKeyPart[];
  unique?: true;
  using?: string;
  where?: string;
  include?: string[];
}

/** A live index that export leaves out of the plan, and why. */
export interface SkippedIndex {
  schema: string;
  table: string;
  index: string;
  reason: string;
}

/** Why a live index cannot be written as a plan entry, or undefined when it can. */
export function unexportableReason(index: LiveIndex): string | undefined {
  const { constraint, valid, roundTrips } = index.live;
  if (constraint) return `owned by a ${constraintKeywords[constraint]} constraint (constraints are not managed)`;
  if (!valid) return 'INVALID (a failed concurrent build); drop it or let `apply` replace it';
  if (roundTrips === false) return 'its definition does not read back exactly, so it is not trusted';
  if (!planMethods.has(index.method)) return `access method "${index.method}" cannot be written in a plan`;
  const special = index.keyParts.find((part) => part.opclass || part.collation);
  if (special) return 'a key part has an operator class or collation, which plans cannot express';
  return undefined;
}

function planKeyPart(part: KeyPart): PlanKeyPart {
  const plain = part.column !== undefined && part.order === 'asc' && !part.nulls && part.length === undefined;
  if (plain) return part.column;
  return {
    ...(part.column !== undefined ? { column: part.column } : { expression: part.expression }),
    ...(part.order === 'desc' ? { order: 'desc' as const } : {}),
    ...(part.length !== undefined ? { length: part.length } : {}),
    ...(part.nulls ? { nulls: part.nulls } : {}),
  };
}

/** The plan entry of a live index; `schema` is written only when it is not the connection's default. */
export function exportedIndexOf(index: LiveIndex, defaultSchema: string): ExportedIndex {
  return {
    name: index.name,
    table: index.table,
    ...(index.schema !== defaultSchema ? { schema: index.schema } : {}),
    columns: index.keyParts.map(planKeyPart),
    ...(index.unique ? { unique: true as const } : {}),
    ...(index.method !== 'btree' ? { using: index.method } : {}),
    ...(index.where !== undefined ? { where: index.where } : {}),
    ...(index.include.length > 0 ? { include: [...index.include] } : {}),
  };
}
