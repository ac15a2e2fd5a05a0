import { describe, expect, it } from 'vitest';
import type { ApplyReport } from '../../../../src/executor/apply-plans.js';
import type { ReportStep } from '../../../../src/planner/types.js';
import { renderApplyMarkdown, stepTimelineChart, verifyTimingsChart } from '../../../../src/render/markdown/apply.js';

function step(i: number): ReportStep {
  const name = `idx_orders_${i}`;
  return {
    action: 'create',
    table: { schema: 'public', name: 'orders' },
    index: name,
    warnings: [],
    sql: [`CREATE INDEX CONCURRENTLY "${name}" ON "public"."orders" ("customer")`],
    rollback: [`DROP INDEX CONCURRENTLY "public"."${name}"`],
    online: true,
    reversible: true,
    lockImpact: 'SHARE UPDATE EXCLUSIVE',
    spec: {
      name,
      table: 'orders',
      columns: ['customer'],
      unique: false,
      include: [],
      state: 'present',
      verify: [],
      source: { file: 'a.yml', line: 1, column: 1 },
      positions: {},
    },
  };
}

function report(count: number, status: ApplyReport['result']['status'] = 'applied'): ApplyReport {
  const changes = Array.from({ length: count }, (_, i) => step(i));
  return {
    plan: {
      dialect: 'postgres',
      server: {
        dialect: 'postgres',
        flavor: 'postgres',
        version: '15.4',
        major: 15,
        minor: 4,
        patch: 0,
        database: 'app',
        defaultSchema: 'public',
      },
      target: 'postgres://app@db/app',
      plan: {
        files: [],
        settings: { lockTimeoutMs: 5000, maxRetries: 5, explainRuns: 7, maxRegression: 0.05 },
        indexes: [],
      },
      live: { tables: new Map() },
      changes,
      errors: [],
      definitions: [],
    },
    result: {
      runId: 7,
      status,
      steps: changes.map((change, i) => ({
        step: change,
        status: status === 'failed' && i === count - 1 ? 'failed' : 'applied',
        attempts: i === 0 ? 3 : 1,
        durationMs: 1200 + i,
      })),
      rollbackFile: 'rollbacks/7.sql',
      errors: status === 'failed' ? [{ code: 'lock_timeout', message: 'gave up waiting for a lock' }] : [],
      verify: [
        {
          index: 'idx_orders_0',
          query: 'orders of a customer: newest',
          before: { median_ms: 12.5, uses_index: false },
          after: { median_ms: 0.42, uses_index: true },
          speedup: 29.8,
        },
      ],
    },
    judgements: [],
    savedPlan: { hash: 'ab'.repeat(32), createdAt: '2026-12-03T10:00:00.000Z' },
  };
}

describe('apply --format markdown', () => {
  it('opens with one summary line and the saved plan, then the table and the Mermaid charts', () => {
    const markdown = renderApplyMarkdown(report(3));
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## safe-index apply: run 7 applied');
    expect(lines[2]).toBe('**✅ applied** · 3 applied, 0 failed, 0 undone · postgres 15.4');
    expect(markdown).toContain(`_saved plan ${'ab'.repeat(6)}, made 2026-12-03T10:00:00.000Z_`);
    expect(markdown).toContain('| create | `idx_orders_0` | `orders` | applied in 1200 ms, 3 attempts |');
    expect(markdown.match(/^```mermaid$/gm)).toHaveLength(2);
    expect((markdown.match(/^```/gm)?.length ?? 0) % 2).toBe(0);
  });

  it('with replicas watched: a replica-lag column per step and the largest lag over the run', () => {
    const withReplicas = report(2);
    const target = 'mysql://app:***@replica1:3306/app';
    withReplicas.result.steps[0]!.replicas = [{ target, maxLagMs: 2400 }];
    withReplicas.result.steps[1]!.replicas = [{ target, maxLagMs: null }];
    withReplicas.result.replicas = [{ target, maxLagMs: 2400 }];
    const markdown = renderApplyMarkdown(withReplicas);
    expect(markdown).toContain('| change | index | table | result | replica lag (max) |');
    expect(markdown).toContain(
      `| create | \`idx_orders_0\` | \`orders\` | applied in 1200 ms, 3 attempts | 2.4s on ${target} |`,
    );
    expect(markdown).toContain(`| unknown on ${target} |`);
    expect(markdown).toContain(`Replicas, largest lag over the run: 2.4s on ${target}`);
    expect(renderApplyMarkdown(report(1))).not.toContain('replica lag');
  });

  it('draws the steps one after the other, as long as each took, failed ones as critical', () => {
    const chart = stepTimelineChart(report(2, 'failed').result.steps).join('\n');
    expect(chart).toContain('gantt');
    expect(chart).toContain('  dateFormat x');
    expect(chart).toContain('  section create idx_orders_0');
    expect(chart).toContain('  applied (3 attempts) :done, s0, 0, 1200ms');
    expect(chart).toContain('  failed :crit, s1, after s0, 1201ms');
  });

  it('draws verify medians before and after as bars, labels without Mermaid punctuation', () => {
    const chart = verifyTimingsChart(report(1).result.verify).join('\n');
    expect(chart).toContain('xychart-beta');
    expect(chart).toContain('x-axis ["orders of a customer ne… before", "orders of a customer ne… after"]');
    expect(chart).toContain('bar [12.5, 0.42]');
  });

  it('stays under the comment limit, saying what it left out', () => {
    const markdown = renderApplyMarkdown(report(400), 8_000);
    expect(markdown.length).toBeLessThanOrEqual(8_000);
    expect(markdown).toMatch(
      /Trimmed to stay under GitHub's 65,536-character comment limit: left out .*the step timeline/,
    );
    expect(markdown).toContain('Rollback script: `rollbacks/7.sql`');
  });
});
