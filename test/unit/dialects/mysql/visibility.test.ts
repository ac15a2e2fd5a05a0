import { describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import type { Change } from '../../../../src/model/change.js';
import { asc, column, index, liveIndex, mariadb1011, mysql8036, serverInfo, table } from './fixtures.js';

const items = table('items', [column('a', 'int')]);
const live = liveIndex(index('items', 'idx_a', [asc('a')]), 'KEY `idx_a` (`a`)');
// an enable comes from a present entry, so it carries the desired definition; a disable may not
const change = (action: 'disable' | 'enable'): Change => ({
  action,
  table: { schema: 'shop', name: 'items' },
  index: 'idx_a',
  desired: index('items', 'idx_a', [asc('a')]),
  live,
  warnings: [],
});

describe('disable and enable render a metadata-only visibility toggle whose reverse is the opposite toggle', () => {
  it.each([
    [
      'MariaDB disable',
      mariadb1011,
      'disable',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` IGNORED, ALGORITHM=INSTANT, LOCK=NONE',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` NOT IGNORED, ALGORITHM=INSTANT, LOCK=NONE',
    ],
    [
      'MariaDB enable',
      mariadb1011,
      'enable',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` NOT IGNORED, ALGORITHM=INSTANT, LOCK=NONE',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` IGNORED, ALGORITHM=INSTANT, LOCK=NONE',
    ],
    [
      'MySQL disable',
      mysql8036,
      'disable',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` INVISIBLE, ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` VISIBLE, ALGORITHM=INPLACE, LOCK=NONE',
    ],
    [
      'MySQL 9.7 enable',
      serverInfo('mysql', '9.7.0'),
      'enable',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` VISIBLE, ALGORITHM=INPLACE, LOCK=NONE',
      'ALTER TABLE `shop`.`items` ALTER INDEX `idx_a` INVISIBLE, ALGORITHM=INPLACE, LOCK=NONE',
    ],
  ] as const)('%s', (_label, server, action, sql, rollback) => {
    const rendered = createMysqlDialect(server).renderChange(change(action), items);
    expect(rendered).toMatchObject({ sql: [sql], rollback: [rollback], undo: [[rollback]], online: true });
  });

  it('MariaDB 10.5 has no IGNORED: the change is refused with the reason', () => {
    const rendered = createMysqlDialect(serverInfo('mariadb', '10.5.20')).renderChange(change('disable'), items);
    expect(rendered.sql).toEqual([]);
    expect(rendered.onlineReason).toMatch(/no invisible indexes/);
  });
});
