/**
 * `FROM seqRows(n)` yields a column `seq` of 1..n on MySQL and MariaDB alike: MariaDB's `seq_1_to_N`
 * tables (the Sequence engine) do not exist on MySQL, and a recursive CTE stops at
 * cte_max_recursion_depth (1000) there. Cross joins of a ten-row table are fast on both.
 */
export function seqRows(rows: number): string {
  const digits = Math.max(1, Math.ceil(Math.log10(rows)));
  const ten = `(select 0 as d ${[1, 2, 3, 4, 5, 6, 7, 8, 9].map((d) => `union all select ${d}`).join(' ')})`;
  const tables = Array.from({ length: digits }, (_, i) => `${ten} as d${i}`).join(' cross join ');
  const value = Array.from({ length: digits }, (_, i) => `d${i}.d * ${10 ** i}`).join(' + ');
  return `(select seq from (select ${value} + 1 as seq from ${tables}) as digits where seq <= ${rows}) as seq_rows`;
}
