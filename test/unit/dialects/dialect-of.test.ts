import { describe, expect, it } from 'vitest';
import type { Database } from '../../../src/connection/database.js';
import { dialectOf } from '../../../src/dialects/index.js';
import { mariadb1011 } from './mysql/fixtures.js';

describe('dialectOf', () => {
  const postgres = { server: { ...mariadb1011, dialect: 'postgres', flavor: 'postgres', version: '15.20' } };

  it('gives one dialect per connected database, so what it learns reaches every caller', () => {
    const db = postgres as unknown as Database;
    const other = { ...postgres } as unknown as Database;
    expect(dialectOf(db)).toBe(dialectOf(db));
    expect(dialectOf(db)).not.toBe(dialectOf(other));
  });

  it('carries the execution, EXPLAIN and usage parts of the same server', () => {
    const maria = dialectOf({ server: mariadb1011 } as unknown as Database);
    expect(maria.server.flavor).toBe('mariadb');
    expect(maria.usage.unit).toBe('rows_read');
    expect(maria.explain.rollbackSql).toBe('ROLLBACK');
    expect(maria.executor.waitsForSnapshots('ALTER TABLE t ADD INDEX i (a)')).toBe(false);
  });
});
