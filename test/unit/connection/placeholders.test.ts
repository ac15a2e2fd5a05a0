import { describe, expect, it } from 'vitest';
import { numberedPlaceholders } from '../../../src/connection/placeholders.js';

describe('PostgreSQL placeholders of bound statements', () => {
  it('numbers each ? in order', () => {
    expect(numberedPlaceholders('select * from t where a = ? and b in (?, ?)', 3)).toBe(
      'select * from t where a = $1 and b in ($2, $3)',
    );
  });

  it('keeps an escaped \\? as a literal question mark', () => {
    expect(numberedPlaceholders("select data \\? 'key' from t where id = ?", 1)).toBe(
      "select data ? 'key' from t where id = $1",
    );
  });

  it('refuses a count that does not match, and identifier placeholders', () => {
    expect(() => numberedPlaceholders('select ?', 2)).toThrow(/expected 1 bindings, got 2/);
    expect(() => numberedPlaceholders('select ?? from t', 1)).toThrow(/not supported/);
  });
});
