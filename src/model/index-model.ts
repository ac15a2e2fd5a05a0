/** Sort direction of one key part. */
export type SortOrder = 'asc' | 'desc';

/** What one key part carries besides its column or expression: its order and options. */
interface KeyPartOptions {
  order: SortOrder;
  /** PostgreSQL NULLS FIRST/LAST when it differs from the order's default. */
  nulls?: 'first' | 'last';
  /** MySQL/MariaDB prefix length in characters. */
  length?: number;
  /** PostgreSQL operator class when it is not the type's default. */
  opclass?: string;
  /** Collation when it is not the column's default. */
  collation?: string;
}

/** One part of an index key: exactly one of a column or an expression, with its order and options. */
export type KeyPart = KeyPartOptions &
  (
    | {
        /** Column name. */
        column: string;
        expression?: undefined;
      }
    | {
        column?: undefined;
        /** Expression in the server's canonical form, e.g. `lower((email)::text)`. */
        expression: string;
      }
  );

/** The parts of an index definition that decide what the server builds. */
export interface IndexDefinition {
  /** PostgreSQL schema or MySQL database; always resolved. */
  schema: string;
  table: string;
  name: string;
  unique: boolean;
  /** Lower-case access method: btree, hash, gin, gist, brin, spgist, fulltext, spatial. */
  method: string;
  keyParts: KeyPart[];
  /** Partial-index predicate in the server's canonical form (PostgreSQL). */
  where?: string;
  /** Covering (INCLUDE) columns (PostgreSQL). */
  include: string[];
}

function sameKeyPart(a: KeyPart, b: KeyPart): boolean {
  return (
    a.column === b.column &&
    a.expression === b.expression &&
    a.order === b.order &&
    (a.nulls ?? defaultNulls(a.order)) === (b.nulls ?? defaultNulls(b.order)) &&
    a.length === b.length &&
    a.opclass === b.opclass &&
    a.collation === b.collation
  );
}

function defaultNulls(order: SortOrder): 'first' | 'last' {
  return order === 'desc' ? 'first' : 'last';
}

function sameKeyPartIgnoringOrder(a: KeyPart, b: KeyPart): boolean {
  return sameKeyPart({ ...a, order: 'asc', nulls: undefined }, { ...b, order: 'asc', nulls: undefined });
}

/** Describes a key part the way a person writes it: `email`, `lower(email) DESC`, `title(10)`. */
export function describeKeyPart(part: KeyPart): string {
  let text = part.column ?? `(${part.expression})`;
  if (part.length !== undefined) text += `(${part.length})`;
  if (part.opclass) text += ` ${part.opclass}`;
  if (part.order === 'desc') text += ' DESC';
  if (part.nulls && part.nulls !== defaultNulls(part.order)) text += ` NULLS ${part.nulls.toUpperCase()}`;
  return text;
}

/** An index, desired (from a plan) or live (from the server), in one neutral shape. */
export class Index implements IndexDefinition {
  readonly schema: string;
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly method: string;
  readonly keyParts: KeyPart[];
  readonly where?: string;
  readonly include: string[];

  constructor(definition: IndexDefinition) {
    this.schema = definition.schema;
    this.table = definition.table;
    this.name = definition.name;
    this.unique = definition.unique;
    this.method = definition.method;
    this.keyParts = definition.keyParts.map((part) => ({ ...part }));
    if (definition.where !== undefined) this.where = definition.where;
    this.include = [...definition.include];
  }

  /** Same table, same name and same definition. */
  equals(other: IndexDefinition): boolean {
    return this.name === other.name && this.equivalent(other);
  }

  /** Same table and same definition, whatever the names. */
  equivalent(other: IndexDefinition): boolean {
    return (
      this.sameTable(other) &&
      this.unique === other.unique &&
      this.method === other.method &&
      (this.where ?? '') === (other.where ?? '') &&
      this.include.length === other.include.length &&
      this.include.every((column, i) => column === other.include[i]) &&
      this.keyParts.length === other.keyParts.length &&
      this.keyParts.every((part, i) => sameKeyPart(part, other.keyParts[i]!))
    );
  }

  /**
   * True when `other` makes this index unnecessary: same table, method and predicate, and this key is a
   * left prefix of other's key (or equal to it). A unique index is redundant only to one with the
   * same key that is also unique, because a longer key enforces a weaker constraint.
   */
  redundantTo(other: IndexDefinition): boolean {
    if (!this.sameTable(other) || this.name === other.name) return false;
    if (this.method !== other.method || !['btree', 'hash'].includes(this.method)) return false;
    if ((this.where ?? '') !== (other.where ?? '')) return false;
    if (this.keyParts.length > other.keyParts.length) return false;
    if (this.method === 'hash' && this.keyParts.length !== other.keyParts.length) return false;
    // a single-column btree can be scanned backwards, so its direction does not matter
    const compare = this.keyParts.length === 1 ? sameKeyPartIgnoringOrder : sameKeyPart;
    if (!this.keyParts.every((part, i) => compare(part, other.keyParts[i]!))) return false;
    if (this.unique && !(other.unique && other.keyParts.length === this.keyParts.length)) return false;
    const covered = new Set([...other.keyParts.map((part) => part.column), ...other.include]);
    return this.include.every((column) => covered.has(column));
  }

  /** Columns the index reads (key columns and INCLUDE columns), without expressions. */
  columns(): string[] {
    const keyColumns = this.keyParts.flatMap((part) => (part.column ? [part.column] : []));
    return [...keyColumns, ...this.include];
  }

  /** A short human description: `UNIQUE btree (a, b DESC) INCLUDE (c) WHERE ...`. */
  describe(): string {
    const parts = this.keyParts.map(describeKeyPart).join(', ');
    let text = `${this.unique ? 'UNIQUE ' : ''}${this.method} (${parts})`;
    if (this.include.length > 0) text += ` INCLUDE (${this.include.join(', ')})`;
    if (this.where) text += ` WHERE ${this.where}`;
    return text;
  }

  private sameTable(other: IndexDefinition): boolean {
    return this.schema === other.schema && this.table === other.table;
  }
}
