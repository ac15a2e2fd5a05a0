import { describe, expect, it } from 'vitest';
import type { ServerInfo } from '../../../../src/connection/database.js';
import { createDialect } from '../../../../src/dialects/index.js';
import { type DiffInput, diffIndex } from '../../../../src/diff/diff.js';
import { redundancyWarnings } from '../../../../src/diff/redundancy.js';
import { Index } from '../../../../src/model/index-model.js';
import { LiveIndex, type LiveTable } from '../../../../src/model/schema.js';
import { loadPlans } from '../../../../src/plan-file/load.js';
import { indexOf } from '../../../../src/planner/resolve.js';
import type { PlanReport, PlanStep, ReportStep } from '../../../../src/planner/types.js';
import { renderPlanMarkdown } from '../../../../src/render/markdown/plan.js';
import { writePlan } from '../../../support/plans.js';

const servers: Record<string, ServerInfo> = {
  postgres: {
    dialect: 'postgres',
    flavor: 'postgres',
    version: '15.4',
    major: 15,
    minor: 4,
    patch: 0,
    database: 'billing',
    defaultSchema: 'public',
  },
  mariadb: {
    dialect: 'mysql',
    flavor: 'mariadb',
    version: '10.11.6',
    major: 10,
    minor: 11,
    patch: 6,
    database: 'billing',
    defaultSchema: 'billing',
  },
};

const planYaml = `
indexes:
  - name: idx_customer_status_posting
    table: "tabSales Invoice"
    columns: [customer, status, posting_date]
    purpose: unpaid invoices of a customer, newest first
  - name: idx_posting_date
    table: "tabSales Invoice"
    columns: [posting_date, name]
    purpose: invoices of a period
  - name: idx_legacy_status
    table: "tabSales Invoice"
    state: absent
  - name: idx_member
    table: "tabSales Invoice"
    columns: [member]
`;

/** Live definitions as each server prints them. */
const liveDefinitions: Record<string, Record<string, string>> = {
  postgres: {
    idx_customer: 'CREATE INDEX idx_customer ON public."tabSales Invoice" USING btree (customer)',
    idx_posting_date: 'CREATE INDEX idx_posting_date ON public."tabSales Invoice" USING btree (posting_date)',
    idx_legacy_status: 'CREATE INDEX idx_legacy_status ON public."tabSales Invoice" USING btree (status)',
    idx_member: 'CREATE INDEX idx_member ON public."tabSales Invoice" USING btree (member)',
  },
  mariadb: {
    idx_customer: 'KEY `idx_customer` (`customer`)',
    idx_posting_date: 'KEY `idx_posting_date` (`posting_date`)',
    idx_legacy_status: 'KEY `idx_legacy_status` (`status`)',
    idx_member: 'KEY `idx_member` (`member`)',
  },
};

function liveIndex(schema: string, name: string, columns: string[], definition: string): LiveIndex {
  const index = new Index({
    schema,
    table: 'tabSales Invoice',
    name,
    unique: false,
    method: 'btree',
    keyParts: columns.map((column) => ({ column, order: 'asc' as const })),
    include: [],
  });
  return new LiveIndex(index, { valid: true, visible: true, constraint: null, definition, partitioned: false });
}

/** A PlanReport made the way `buildPlan` makes it, from a loaded plan, the real diff and the real renderer. */
async function reportFor(flavor: 'postgres' | 'mariadb'): Promise<PlanReport> {
  const server = servers[flavor]!;
  const dialect = createDialect(server);
  const plan = await loadPlans([await writePlan(planYaml)]);
  const schema = server.defaultSchema;
  const definitions = liveDefinitions[flavor]!;
  const table: LiveTable = {
    schema,
    name: 'tabSales Invoice',
    columns: ['name', 'customer', 'status', 'posting_date', 'member'].map((name) => ({
      name,
      type: 'varchar(140)',
      dataType: 'varchar',
      nullable: name !== 'name',
      generated: null,
      characterLength: 140,
      bytesPerCharacter: 4,
    })),
    indexes: [
      liveIndex(schema, 'idx_customer', ['customer'], definitions.idx_customer!),
      liveIndex(schema, 'idx_legacy_status', ['status'], definitions.idx_legacy_status!),
      liveIndex(schema, 'idx_member', ['member'], definitions.idx_member!),
      liveIndex(schema, 'idx_posting_date', ['posting_date'], definitions.idx_posting_date!),
    ],
    estimatedRows: 500_000,
    totalBytes: 80_000_000,
    partitioned: false,
    engine: 'InnoDB',
  };
  const changes: PlanStep[] = plan.indexes.map((spec) => {
    const input: DiffInput =
      spec.state === 'present'
        ? { name: spec.name, state: 'present', table, desired: indexOf(spec, server) }
        : { name: spec.name, state: spec.state, table };
    const desired = input.desired;
    const change = diffIndex(input);
    if (desired && change.action !== 'noop') change.warnings.push(...redundancyWarnings(desired, table));
    return { ...change, ...dialect.renderChange(change, table), spec };
  });
  const before = table.indexes.map((index) => index.live.definition);
  const after = new Map(table.indexes.map((index) => [index.name, index.live.definition]));
  for (const change of changes) {
    if (change.action === 'drop') after.delete(change.index);
    if (change.action === 'create' || change.action === 'replace') {
      after.set(change.index, dialect.renderDefinition(change.desired));
    }
  }
  const sorted = (map: Map<string, string>) => [...map.keys()].sort().map((key) => map.get(key)!);
  return {
    dialect: server.dialect,
    server,
    target: `${flavor}://app:***@db.example/billing`,
    plan,
    live: { tables: new Map([[`${schema}.${table.name}`, table]]) },
    changes,
    errors: [],
    definitions: [{ schema, table: table.name, before, after: sorted(after) }],
  };
}

describe.each(['postgres', 'mariadb'] as const)('plan --format markdown on %s', (flavor) => {
  it('matches the reviewed pull-request comment', async () => {
    const markdown = renderPlanMarkdown(await reportFor(flavor));
    await expect(`${markdown}\n`).toMatchFileSnapshot(`./__snapshots__/plan-${flavor}.md.snap`);
  });

  it('reads as a GitHub comment: verdict line, a table per change, SQL and rollback folded, no terminal colours', async () => {
    const markdown = renderPlanMarkdown(await reportFor(flavor));
    expect(markdown).not.toMatch(/\x1b\[/);
    expect(markdown.startsWith('## safe-index plan')).toBe(true);
    expect(markdown).toContain('| | index | table | online | notes |');
    expect(markdown.split('\n')[2]).toBe(
      `**✅ safe online** · 1 to create, 1 to replace, 1 to drop, 1 in sync · ${flavor} ${servers[flavor]!.version}`,
    );
    expect(markdown).toContain('<details><summary>SQL of the 3 change(s) and their rollback</summary>');
    expect(markdown).not.toContain('Trimmed');
    expect(markdown.match(/^```sql$/gm)?.length).toBeGreaterThanOrEqual(6);
    expect(markdown).toContain('```diff');
    // every opened fence is closed
    expect((markdown.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
  });
});

/** A constructed plan step: what the renderer reads, with long SQL so that 300 of them pass the limit. */
function step(i: number, action: ReportStep['action'], online = true): ReportStep {
  const name = `idx_generated_${String(i).padStart(3, '0')}_customer_status_posting_date`;
  const sql = [
    `CREATE INDEX CONCURRENTLY "${name}" ON "public"."tabSales Invoice" USING btree ("customer", "status", "posting_date", "grand_total", "name")`,
  ];
  return {
    action,
    table: { schema: 'public', name: 'tabSales Invoice' },
    index: name,
    warnings: [],
    sql: action === 'noop' ? [] : sql,
    rollback: action === 'noop' ? [] : [`DROP INDEX CONCURRENTLY "public"."${name}"`],
    online,
    reversible: true,
    lockImpact: 'SHARE UPDATE EXCLUSIVE on the table: reads and writes continue; waits for older transactions',
    spec: {
      name,
      table: 'tabSales Invoice',
      columns: ['customer'],
      unique: false,
      include: [],
      state: 'present',
      purpose: 'a generated index of a large plan, with a purpose long enough to take some room in the comment',
      verify: [],
      source: { file: 'big.yml', line: i + 1, column: 5 },
      positions: {},
    },
  };
}

function constructedReport(changes: ReportStep[], errors: PlanReport['errors'] = []): PlanReport {
  const server = servers.postgres!;
  return {
    dialect: 'postgres',
    server,
    target: 'postgres://app:***@db.example/billing',
    plan: {
      files: [],
      settings: { lockTimeoutMs: 5000, maxRetries: 5, explainRuns: 7, maxRegression: 0.05 },
      indexes: [],
    },
    live: { tables: new Map() },
    changes,
    errors,
    definitions: [
      {
        schema: 'public',
        table: 'tabSales Invoice',
        before: [],
        after: changes.map(
          (change) => `CREATE INDEX ${change.index} ON public."tabSales Invoice" USING btree (customer)`,
        ),
      },
    ],
  };
}

describe('the pull-request comment of a large plan', () => {
  it('300 changes stay under 65,536 characters and say what was trimmed', () => {
    const changes = Array.from({ length: 300 }, (_, i) => step(i, i % 10 === 9 ? 'noop' : 'create'));
    const markdown = renderPlanMarkdown(constructedReport(changes));
    expect(markdown.length).toBeLessThan(65_536);
    expect(markdown).toMatch(
      /Trimmed to stay under GitHub's 65,536-character comment limit: left out .*the before → after index diffs/,
    );
    expect(markdown).toContain('270 to create');
    expect(markdown).toMatch(
      /left out the rollback SQL; the SQL of the changes past the first ones; the before → after index diffs\./,
    );
    const sqlShown = /SQL of the first (\d+) of 270 changes/.exec(markdown);
    expect(Number(sqlShown?.[1])).toBeGreaterThan(50);
    // every change is still in the table
    for (const change of changes) expect(markdown).toContain(`\`${change.index}\``);
  });

  it('cuts table rows last, and counts the rows it left out', () => {
    const changes = Array.from({ length: 1500 }, (_, i) => step(i, 'create'));
    const markdown = renderPlanMarkdown(constructedReport(changes));
    expect(markdown.length).toBeLessThanOrEqual(65_536);
    expect(markdown).toContain('the SQL of the changes past the first ones');
    const listed = markdown.split('\n').filter((line) => line.startsWith('| 🟢 create')).length;
    expect(listed).toBeGreaterThan(100);
    expect(markdown).toContain(`${1500 - listed} more change(s) not listed`);
  });

  it('is not trimmed when it fits, and trims to any smaller limit', () => {
    const changes = [step(1, 'create'), step(2, 'create')];
    expect(renderPlanMarkdown(constructedReport(changes))).not.toContain('Trimmed');
    const small = renderPlanMarkdown(constructedReport(changes), 1_200);
    expect(small.length).toBeLessThanOrEqual(1_200);
    expect(small).toContain('Trimmed');
  });

  it.each([
    [
      '❌ errors',
      [step(1, 'create')],
      [{ code: 'plan_invalid_value', message: 'bad entry', file: 'a.yml', line: 3, column: 5 }],
    ],
    ['⚠️ needs `--allow-blocking`', [step(1, 'create', false)], []],
    ['✅ in sync', [step(1, 'noop')], []],
  ] as const)('says %s in the summary line', (verdict, changes, errors) => {
    const markdown = renderPlanMarkdown(constructedReport([...changes], [...errors]));
    expect(markdown.split('\n')[2]).toMatch(new RegExp(`^\\*\\*${verdict.replace(/[`*]/g, '.')}\\*\\*`));
  });

  it('shows blockers and usage evidence when the report carries them', () => {
    const drop = {
      ...step(1, 'drop'),
      usage: {
        verdict: 'unused' as const,
        scans: 0,
        lastScan: new Date('2026-11-01T00:00:00Z'),
        windowMs: 7 * 86_400_000,
        sources: [],
      },
    };
    const markdown = renderPlanMarkdown({
      ...constructedReport([drop]),
      changes: [drop],
      blockers: [
        { pid: 4242, user: 'app', application: 'billing', state: 'idle in transaction', ageS: 73, query: 'SELECT 1' },
      ],
    });
    expect(markdown).toContain('usage: unused (0 scans, last 2026-11-01)');
    expect(markdown).toContain('| 4242 | app | billing | idle in transaction | 73s | `SELECT 1` |');
  });
});
