// Benchmark: `safe-index apply` of one index on a large table against the same online statement sent
// by hand (psql / mysql client), PostgreSQL and MariaDB; whole processes, interleaved, medians.
// PostgreSQL: CREATE INDEX CONCURRENTLY; MariaDB: ALTER TABLE ... ADD INDEX, ALGORITHM=NOCOPY, LOCK=NONE.
// The index is dropped (plainly) between runs.
// Usage: npm run build && node bench/apply-vs-ddl.mjs [--rows 3000000] [--runs 5]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { arg, bin, interleaved, machine, ms, timeProcess } from './process.mjs';
import { createScratchDatabase } from './scratch.mjs';

const rows = arg('--rows', 3_000_000);
const runs = arg('--runs', 5);
const name = 'si_bench_apply';
const dir = await mkdtemp(path.join(tmpdir(), 'safe-index-bench-apply-'));
const plan = path.join(dir, 'plan.yml');
await writeFile(plan, 'indexes:\n  - name: idx_bench\n    table: orders\n    columns: [customer, status]\n');

const servers = [
  {
    label: 'PostgreSQL',
    admin: 'postgres://postgres@127.0.0.1:5432/postgres',
    quote: (n) => `"${n}"`,
    setup: [
      'create table orders (id bigserial primary key, customer int not null, status text not null, total numeric not null)',
      `insert into orders (customer, status, total) select g % 5000, (array['new','paid','sent'])[1 + g % 3], g % 997 from generate_series(1, ${rows}) g`,
      'vacuum analyze orders',
    ],
    raw: [
      'psql',
      [
        '-h',
        '127.0.0.1',
        '-U',
        'postgres',
        '-d',
        name,
        '-qc',
        'create index concurrently idx_bench on orders (customer, status)',
      ],
    ],
    drop: 'drop index if exists idx_bench',
  },
  {
    label: 'MariaDB',
    admin: 'mysql://root@127.0.0.1:3306/',
    quote: (n) => `\`${n}\``,
    setup: [
      'create table orders (id bigint auto_increment primary key, customer int not null, status varchar(16) not null, total decimal(12,2) not null) engine=InnoDB',
      `insert into orders (customer, status, total) select seq % 5000, elt(1 + seq % 3, 'new', 'paid', 'sent'), seq % 997 from seq_1_to_${rows}`,
      'analyze table orders',
    ],
    raw: [
      'mysql',
      [
        '-h',
        '127.0.0.1',
        '-u',
        'root',
        name,
        '-e',
        'alter table orders add index idx_bench (customer, status), algorithm=nocopy, lock=none',
      ],
    ],
    drop: 'alter table orders drop index if exists idx_bench',
  },
];

const made = [];
try {
  for (const server of servers) {
    const scratch = await createScratchDatabase(server.admin, server.quote, name);
    made.push({ server, scratch });
    for (const sql of server.setup) await scratch.db.query(sql);
  }
  const cases = made.flatMap(({ server, scratch }) => {
    const dropping = (run) => () => {
      const t = run();
      // the drop is not timed: it runs after the measured process, before the next case
      spawnDrop(scratch, server.drop);
      return t;
    };
    return [
      {
        label: `${server.label}: by hand`,
        run: dropping(() => timeProcess(server.raw[0], server.raw[1], { cwd: dir })),
      },
      {
        label: `${server.label}: safe-index apply`,
        run: dropping(() => timeProcess(process.execPath, [bin, 'apply', plan, '--url', scratch.url], { cwd: dir })),
      },
    ];
  });
  const results = interleaved(cases, runs);
  console.log(
    `apply-vs-ddl: one index on ${rows.toLocaleString('en-US')} rows, ${runs} interleaved runs after one warm-up; ${machine()}\n`,
  );
  console.log('| server | how | wall, median (min–max) | × by hand |');
  console.log('|---|---|---:|---:|');
  for (const { server } of made) {
    const base = results.get(`${server.label}: by hand`);
    for (const how of ['by hand', 'safe-index apply']) {
      const r = results.get(`${server.label}: ${how}`);
      console.log(
        `| ${server.label} | ${how} | ${ms(r.median)} (${ms(r.min)}–${ms(r.max)}) | ${(r.median / base.median).toFixed(2)}× |`,
      );
    }
  }
} finally {
  for (const { scratch } of made) await scratch.drop().catch((error) => console.error(error.message));
  await rm(dir, { recursive: true, force: true });
}

/** Drops the index with the server's client (synchronously, between timed processes). */
function spawnDrop(scratch, sql) {
  const url = new URL(scratch.url);
  const args = url.protocol.startsWith('postgres')
    ? ['psql', ['-h', url.hostname, '-U', 'postgres', '-d', name, '-qc', sql]]
    : ['mysql', ['-h', url.hostname, '-u', 'root', name, '-e', sql]];
  timeProcess(args[0], args[1]);
}
