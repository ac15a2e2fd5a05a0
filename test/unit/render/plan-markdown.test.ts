import { describe, expect, it } from 'vitest';
import { renderPlanMarkdown } from '../../../src/cli/render/plan-markdown.js';
import type { ServerInfo } from '../../../src/connection/database.js';
import { createDialect } from '../../../src/dialects/index.js';
import { diffIndex } from '../../../src/diff/diff.js';
import { redundancyWarnings } from '../../../src/diff/redundancy.js';
import { Index } from '../../../src/model/index-model.js';
import { LiveIndex, type LiveTable } from '../../../src/model/schema.js';
import { loadPlans } from '../../../src/plan-file/load.js';
import { indexOf } from '../../../src/planner/resolve.js';
import type { PlanReport, PlanStep } from '../../../src/planner/types.js';
import { writePlan } from '../../support/plans.js';

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
    const desired = spec.state === 'present' ? indexOf(spec, server) : undefined;
    const change = diffIndex({ name: spec.name, state: spec.state, table, ...(desired ? { desired } : {}) });
    if (desired && change.action !== 'noop') change.warnings.push(...redundancyWarnings(desired, table));
    return { ...change, ...dialect.renderChange(change, table), spec };
  });
  const before = table.indexes.map((index) => index.live.definition);
  const after = new Map(table.indexes.map((index) => [index.name, index.live.definition]));
  for (const change of changes) {
    if (change.action === 'drop') after.delete(change.index);
    if (change.desired && change.action !== 'noop') after.set(change.index, dialect.renderDefinition(change.desired));
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

  it('reads as a GitHub comment: a table per change, fenced SQL, rollback folded, no terminal colours', async () => {
    const markdown = renderPlanMarkdown(await reportFor(flavor));
    expect(markdown).not.toMatch(/\x1b\[/);
    expect(markdown.startsWith('## safe-index plan')).toBe(true);
    expect(markdown).toContain('| | index | table | online | notes |');
    expect(markdown).toContain('<details><summary>Rollback SQL</summary>');
    expect(markdown.match(/^```sql$/gm)?.length).toBeGreaterThanOrEqual(6);
    expect(markdown).toContain('```diff');
    // every opened fence is closed
    expect((markdown.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
  });
});
