import { describe, expect, it } from 'vitest';
import { createMysqlDialect } from '../../../../src/dialects/mysql/dialect.js';
import { flavorFeatures } from '../../../../src/dialects/mysql/flavor.js';
import { followersInClass, inServerKeyOrder } from '../../../../src/dialects/mysql/key-order.js';
import type { Change } from '../../../../src/model/change.js';
import type { Index } from '../../../../src/model/index-model.js';
import type { LiveIndex } from '../../../../src/model/schema.js';
import { asc, column, index, liveIndex, mariadb1011, mysql8036, table } from './fixtures.js';

const columns = [
  column('id', 'int', { nullable: false }),
  column('code', 'varchar(20)', { nullable: false }),
  column('ref', 'varchar(50)', { nullable: false }),
  column('email', 'varchar(100)'),
  column('a', 'int'),
  column('b', 'int'),
  column('g', 'geometry', { nullable: false }),
  column('v', 'int', { generated: 'virtual' }),
  column('title', 'text'),
  column('body', 'text'),
  column('blob_col', 'blob'),
];

function live(name: string, parts: Index['keyParts'], line: string, extra: Partial<Index> = {}): LiveIndex {
  return liveIndex(index('mix', name, parts, extra), line, name === 'PRIMARY' ? 'primary' : null);
}

const keys = {
  primary: live('PRIMARY', [asc('id')], '  PRIMARY KEY (`id`)', { unique: true }),
  uqCode: live('uq_code', [asc('code')], '  UNIQUE KEY `uq_code` (`code`)', { unique: true }),
  uqCodeRef: live('uq_code_ref', [asc('code'), asc('ref')], '  UNIQUE KEY `uq_code_ref` (`code`,`ref`)', {
    unique: true,
  }),
  uqRefPrefix: live('uq_ref_prefix', [asc('ref', 10)], '  UNIQUE KEY `uq_ref_prefix` (`ref`(10))', { unique: true }),
  uqEmail: live('uq_email', [asc('email')], '  UNIQUE KEY `uq_email` (`email`)', { unique: true }),
  uqEmailPrefix: live('uq_email_prefix', [asc('email', 5)], '  UNIQUE KEY `uq_email_prefix` (`email`(5))', {
    unique: true,
  }),
  uqLong: live('uq_long', [asc('blob_col')], '  UNIQUE KEY `uq_long` (`blob_col`) USING HASH', {
    unique: true,
    method: 'hash',
  }),
  kA: live('k_a', [asc('a')], '  KEY `k_a` (`a`)'),
  kV: live('k_v', [asc('v')], '  KEY `k_v` (`v`)'),
  spG: live('sp_g', [asc('g')], '  SPATIAL KEY `sp_g` (`g`)', { method: 'spatial' }),
  kB: live('k_b', [asc('b')], "  KEY `k_b` (`b`) COMMENT 'b''s' IGNORED"),
  ftTitle: live('ft_title', [asc('title')], '  FULLTEXT KEY `ft_title` (`title`)', { method: 'fulltext' }),
  ftBody: live('ft_body', [asc('body')], '  FULLTEXT KEY `ft_body` (`body`)', { method: 'fulltext' }),
};

/** The order MariaDB 10.11 printed for these keys (checked in the integration test of the same name). */
const mariadbOrder = [
  keys.primary,
  keys.uqCode,
  keys.uqCodeRef,
  keys.uqRefPrefix,
  keys.uqEmail,
  keys.uqEmailPrefix,
  keys.uqLong,
  keys.kA,
  keys.kV,
  keys.spG,
  keys.kB,
  keys.ftTitle,
  keys.ftBody,
];
const mix = table('mix', columns, { indexes: mariadbOrder });
const names = (indexes: LiveIndex[]) => indexes.map((key) => key.name);

describe('the server key order', () => {
  const maria = flavorFeatures(mariadb1011);
  const mysql = flavorFeatures(mysql8036);
  // creation order: the reverse of the server order, so that every class rule has to act
  const created = [...mariadbOrder].reverse();

  it('sorts PRIMARY, NOT NULL unique, nullable unique (unprefixed first), long unique, plain, FULLTEXT', () => {
    const inClassCreationOrder = [
      'PRIMARY',
      'uq_code_ref',
      'uq_code',
      'uq_ref_prefix',
      'uq_email',
      'uq_email_prefix',
      'uq_long',
      'k_b',
      'sp_g',
      'k_v',
      'k_a',
      'ft_body',
      'ft_title',
    ];
    expect(names(inServerKeyOrder(created, mix, maria))).toEqual(inClassCreationOrder);
    expect(names(inServerKeyOrder(mariadbOrder, mix, maria))).toEqual(names(mariadbOrder));
  });

  it('puts keys on virtual columns after the others of their class on MySQL 8 only', () => {
    expect(names(inServerKeyOrder(mariadbOrder, mix, mysql)).slice(7, 11)).toEqual(['k_a', 'sp_g', 'k_b', 'k_v']);
    expect(names(inServerKeyOrder(mariadbOrder, mix, maria)).slice(7, 11)).toEqual(['k_a', 'k_v', 'sp_g', 'k_b']);
  });

  it('treats a unique HASH key of a MEMORY table as an ordinary unique key', () => {
    const memory = table('mix', columns, { engine: 'MEMORY' });
    const order = inServerKeyOrder([keys.uqLong, keys.uqEmail], memory, maria);
    expect(names(order)).toEqual(['uq_long', 'uq_email']);
    expect(names(inServerKeyOrder([keys.uqLong, keys.uqEmail], mix, maria))).toEqual(['uq_email', 'uq_long']);
  });

  it.each([
    { key: keys.uqCode, followers: ['uq_code_ref'] },
    { key: keys.uqRefPrefix, followers: [] },
    { key: keys.kA, followers: ['k_v', 'sp_g', 'k_b'] },
    { key: keys.kB, followers: [] },
    { key: keys.ftTitle, followers: ['ft_body'] },
  ])('re-adds only the keys of the same class after $key.name', ({ key, followers }) => {
    expect(names(followersInClass(key, mix, maria))).toEqual(followers);
  });
});

const M = '`shop`.`mix`';
/** Without the key on a virtual column, whose class differs between the flavors. */
const sameOnBoth = table('mix', columns, { indexes: mariadbOrder.filter((key) => key !== keys.kV) });
const flavors = [
  {
    flavor: 'MariaDB 10.11',
    server: mariadb1011,
    algorithm: 'ALGORITHM=NOCOPY',
    ifExists: 'IF EXISTS ',
    ifNot: 'IF NOT EXISTS ',
  },
  { flavor: 'MySQL 8.0.36', server: mysql8036, algorithm: 'ALGORITHM=INPLACE', ifExists: '', ifNot: '' },
];

describe.each(flavors)(
  'restores on $flavor put the key back where it was',
  ({ server, algorithm, ifExists, ifNot }) => {
    const dialect = createMysqlDialect(server);
    const drop = (key: LiveIndex): Change => ({ action: 'drop', table: mix, index: key.name, live: key, warnings: [] });

    it.each([
      {
        kind: 'a NOT NULL unique key, before another one',
        key: keys.uqCode,
        rollback: `ALTER TABLE ${M} DROP INDEX ${ifExists}\`uq_code_ref\`, ADD UNIQUE KEY ${ifNot}\`uq_code\` (\`code\`), ADD UNIQUE KEY \`uq_code_ref\` (\`code\`,\`ref\`), ${algorithm}, LOCK=NONE`,
      },
      {
        kind: 'a plain key, before a SPATIAL and a commented key',
        key: keys.kA,
        rollback: `ALTER TABLE ${M} DROP INDEX ${ifExists}\`sp_g\`, DROP INDEX ${ifExists}\`k_b\`, ADD KEY ${ifNot}\`k_a\` (\`a\`), ADD SPATIAL KEY \`sp_g\` (\`g\`), ADD KEY \`k_b\` (\`b\`) COMMENT 'b''s' IGNORED, ${algorithm}, LOCK=NONE`,
      },
      {
        kind: 'the last key of its class',
        key: keys.uqEmailPrefix,
        rollback: `ALTER TABLE ${M} ADD UNIQUE KEY ${ifNot}\`uq_email_prefix\` (\`email\`(5)), ${algorithm}, LOCK=NONE`,
      },
      {
        kind: 'a FULLTEXT key before another (a table copy: InnoDB builds one FULLTEXT per in-place ALTER)',
        key: keys.ftTitle,
        rollback: `ALTER TABLE ${M} DROP INDEX ${ifExists}\`ft_body\`, ADD FULLTEXT KEY ${ifNot}\`ft_title\` (\`title\`), ADD FULLTEXT KEY \`ft_body\` (\`body\`), ALGORITHM=COPY, LOCK=SHARED`,
      },
    ])('drop of $kind', ({ key, rollback }) => {
      const rendered = dialect.renderChange(drop(key), sameOnBoth);
      expect(rendered.sql).toEqual([`ALTER TABLE ${M} DROP INDEX \`${key.name}\`, ${algorithm}, LOCK=NONE`]);
      expect(rendered.rollback).toEqual([rollback]);
    });

    it('replace: the forward SQL moves the key to the end of its class, the rollback puts it back in place', () => {
      const desired = index('mix', 'k_a', [asc('a'), asc('b')]);
      const rendered = dialect.renderChange(
        {
          action: 'replace',
          reason: 'definition differs',
          table: mix,
          index: 'k_a',
          desired,
          live: keys.kA,
          warnings: [],
        },
        sameOnBoth,
      );
      expect(rendered.sql).toEqual([
        `ALTER TABLE ${M} DROP INDEX \`k_a\`, ADD INDEX \`k_a\` (\`a\`,\`b\`), ${algorithm}, LOCK=NONE`,
      ]);
      const followers = "ADD SPATIAL KEY `sp_g` (`g`), ADD KEY `k_b` (`b`) COMMENT 'b''s' IGNORED";
      expect(rendered.rollback).toEqual([
        `ALTER TABLE ${M} DROP INDEX \`k_a\`, DROP INDEX ${ifExists}\`sp_g\`, DROP INDEX ${ifExists}\`k_b\`, ADD KEY \`k_a\` (\`a\`), ${followers}, ${algorithm}, LOCK=NONE`,
      ]);
    });
  },
);
