import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { demoDiskBytes, ensureFreeSpace } from '../../../src/demo/embedded-server.js';
import { runCli } from '../../support/cli.js';

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({ server, port: typeof address === 'object' && address ? address.port : 0 });
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('demo', () => {
  it('runs plan → apply → evidence → rollback on 500k invoices and leaves nothing behind', async () => {
    // how long it takes depends on the machine and its load: not asserted here
    const result = await runCli(['demo', '--format', 'json']);
    expect(result.stderr).not.toMatch(/^error/m);
    expect(result.exitCode).toBe(0);

    for (const step of [1, 2, 3, 4, 5, 6]) expect(result.stderr).toContain(`[${step}/6]`);
    expect(result.stderr).toMatch(/tabSales Invoice\s+500,000 rows/);
    const doc = JSON.parse(result.stdout);
    expect(doc.plan.changes.map((change: { action: string; index: string }) => [change.action, change.index])).toEqual([
      ['create', 'idx_invoice_customer_status_posting'],
      ['create', 'idx_member_status_created'],
      ['create', 'idx_reference_name_doctype'],
    ]);
    expect(doc.apply.status).toBe('applied');
    expect(doc.apply.verify).toHaveLength(3);
    for (const entry of doc.apply.verify) {
      expect(entry.before.uses_index).toBe(false);
      expect(entry.after.uses_index).toBe(true);
      expect(entry.speedup).toBeGreaterThan(1); // faster; how much depends on the machine's load
    }
    expect(doc.rollback.status).toBe('rolled_back');
    expect(doc.plan_after_rollback.changes.every((change: { action: string }) => change.action === 'create')).toBe(
      true,
    );

    // the server is gone and its files removed
    const where = /127\.0\.0\.1:(\d+), files in (\S+)/.exec(result.stderr);
    const [, port, dataDir] = where ?? [];
    expect(dataDir).toMatch(/safe-index-demo-/);
    expect(existsSync(dataDir!)).toBe(false);
    expect(await portIsFree(Number(port))).toBe(true);
  }, 120_000);

  it('says clearly when the port asked for is taken', async () => {
    const { server, port } = await listen();
    try {
      const result = await runCli(['demo', '--port', String(port), '--invoices', '1000']);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is taken by another process`);
    } finally {
      server.close();
    }
  });

  it('says clearly when the disk has too little free space, before initdb', async () => {
    await expect(ensureFreeSpace(tmpdir(), Number.MAX_SAFE_INTEGER)).rejects.toMatchObject({
      code: 'disk_full',
      message: expect.stringMatching(/MB free in .*; the demo needs about/),
    });
    await expect(ensureFreeSpace(tmpdir(), demoDiskBytes)).resolves.toBeUndefined();
  });
});
