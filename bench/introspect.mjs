// Benchmark: introspection time and catalog query count against schema size, against a per-table
// baseline (what a naive tool does: one catalog round trip per table — SHOW CREATE TABLE on MySQL,
// pg_indexes + information_schema.columns on PostgreSQL).
// Usage: npm run build && node bench/introspect.mjs [--runs 7]
// Needs PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306 (bash scripts/ensure-databases.sh).
import { performance } from 'node:perf_hooks';
import { createDialect } from './internal.mjs';
import { median, withScratchDatabase } from './scratch.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const sizes = [10, 100, 500, 2000];
const servers = [
  {
    label: 'postgres',
    admin: 'postgres://postgres@127.0.0.1:5432/postgres',
    q: (n) => `"${n}"`,
    perTable: async (db, ref) => {
      await db.query('select indexdef from pg_indexes where schemaname = ? and tablename = ?', [ref.schema, ref.name]);
      await db.query(
        'select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ?',
        [ref.schema, ref.name],
      );
    },
  },
  {
    label: 'mariadb',
    admin: 'mysql://root@127.0.0.1:3306/',
    q: (n) => `\`${n}\``,
    perTable: async (db, ref) => {
      await db.query(`show create table \`${ref.schema}\`.\`${ref.name}\``);
    },
  },
];

const rows = [];
for (const server of servers) {
  await withScratchDatabase(server.admin, server.q, `si_bench_${process.pid}`, async (db) => {
    const dialect = createDialect(db.server);
    let created = 0;
    for (const size of sizes) {
      for (; created < size; created++) {
        const t = server.q(`t${created}`);
        await db.query(`create table ${t} (id int primary key, a int, b varchar(40), c int)`);
        await db.query(`create index ${server.q(`t${created}_ab`)} on ${t} (a, b)`);
        await db.query(`create index ${server.q(`t${created}_c`)} on ${t} (c)`);
      }
      const refs = Array.from({ length: size }, (_, i) => ({ schema: db.server.defaultSchema, name: `t${i}` }));
      const times = [];
      let queries = 0;
      for (let i = 0; i < runs + 1; i++) {
        const before = db.queryCount;
        const start = performance.now();
        const live = await dialect.introspect(db, refs);
        const elapsed = performance.now() - start;
        queries = db.queryCount - before;
        if (live.tables.size !== size) throw new Error(`expected ${size} tables, got ${live.tables.size}`);
        if (i > 0) times.push(elapsed); // first run is a warm-up
      }
      const naive = [];
      for (let i = 0; i < runs + 1; i++) {
        const start = performance.now();
        for (const ref of refs) await server.perTable(db, ref);
        if (i > 0) naive.push(performance.now() - start);
      }
      rows.push({
        server: `${db.server.flavor} ${db.server.version}`,
        tables: size,
        indexes: size * 3,
        queries,
        median_ms: median(times).toFixed(1),
        min_ms: Math.min(...times).toFixed(1),
        max_ms: Math.max(...times).toFixed(1),
        per_table_median_ms: median(naive).toFixed(1),
        ratio: (median(naive) / median(times)).toFixed(2),
      });
    }
  });
}
console.table(rows);
console.log(JSON.stringify(rows));
