import { describe, expect, it } from 'vitest';
import type { Queryable, StoredRollback } from '../../../src/dialects/executor-types.js';
import { checkMysqlStoredRollback } from '../../../src/dialects/mysql/stored-rollback.js';
import { checkPostgresStoredRollback } from '../../../src/dialects/postgres/stored-rollback.js';

const M = '`shop`.`mix`';
const maria = 'ALGORITHM=NOCOPY, LOCK=NONE';
const mysqlStep = (action: string, index = 'k_a'): StoredRollback => ({
  action,
  table: { schema: 'shop', name: 'mix' },
  index,
});

describe('stored MySQL/MariaDB rollbacks', () => {
  it.each([
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\`, ${maria}`],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\`, ALGORITHM=INPLACE, LOCK=NONE`],
    [
      'drop',
      `ALTER TABLE ${M} DROP INDEX IF EXISTS \`sp_g\`, DROP INDEX IF EXISTS \`k_b\`, ADD KEY IF NOT EXISTS \`k_a\` (\`a\`), ADD SPATIAL KEY \`sp_g\` (\`g\`), ADD KEY \`k_b\` (\`b\`) COMMENT 'b''s' IGNORED, ${maria}`,
    ],
    ['drop', `ALTER TABLE ${M} ADD UNIQUE KEY IF NOT EXISTS \`k_a\` (\`email\`(5)), ${maria}`],
    ['drop', `ALTER TABLE ${M} ADD UNIQUE KEY \`k_a\` (\`code\`) COMMENT 'x', ${maria}`],
    ['drop', `ALTER TABLE ${M} ADD KEY \`k_a\` (\`a\`) /*!80000 INVISIBLE */, ALGORITHM=INPLACE, LOCK=NONE`],
    ['drop', `ALTER TABLE ${M} ADD FULLTEXT KEY \`k_a\` (\`title\`), ALGORITHM=COPY, LOCK=SHARED`],
    [
      'drop',
      `ALTER TABLE ${M} ADD FULLTEXT KEY \`k_a\` (\`title\`) /*!50100 WITH PARSER \`ngram\` */ , ALGORITHM=INPLACE, LOCK=SHARED`,
    ],
    [
      'replace',
      `ALTER TABLE ${M} DROP INDEX \`k_a\`, DROP INDEX IF EXISTS \`k_b\`, ADD KEY \`k_a\` (\`a\`), ADD KEY \`k_b\` (\`b\`) COMMENT 'b''s' IGNORED, ${maria}`,
    ],
    ['disable', `ALTER TABLE ${M} ALTER INDEX \`k_a\` NOT IGNORED, ALGORITHM=INSTANT, LOCK=NONE`],
    ['enable', `ALTER TABLE ${M} ALTER INDEX \`k_a\` INVISIBLE, ALGORITHM=INPLACE, LOCK=NONE`],
  ])('accepts the reverse of a %s the tool writes: %s', async (action, sql) => {
    expect(await checkMysqlStoredRollback(mysqlStep(action), sql)).toBeUndefined();
  });

  it.each([
    ['create', "GRANT ALL ON *.* TO 'app'@'%'", /ALGORITHM and LOCK/],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\`, ${maria}; GRANT ALL ON *.* TO 'app'@'%'`, /ALGORITHM and LOCK/],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\` /*!50000 , DROP COLUMN \`a\` */, ${maria}`, /executable comment/],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\` /*M!100000 , DROP COLUMN \`a\` */, ${maria}`, /executable comment/],
    [
      'drop',
      `ALTER TABLE ${M} ADD KEY \`k_a\` (\`a\`) /*!50100 WITH PARSER \`x\`, DROP COLUMN \`a\` */, ${maria}`,
      /executable/,
    ],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\`, DROP COLUMN \`a\`, ${maria}`, /more than add and drop keys/],
    [
      'create',
      `ALTER TABLE ${M} DROP INDEX \`k_a\`, ${maria}; ALTER TABLE ${M} DROP INDEX \`k_a\`, ${maria}`,
      /statement/,
    ],
    ['create', `ALTER TABLE \`shop\`.\`users\` DROP INDEX \`k_a\`, ${maria}`, /table other than/],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_other\`, ${maria}`, /step’s index/],
    ['create', `ALTER TABLE ${M} DROP INDEX \`k_a\``, /ALGORITHM and LOCK/],
    [
      'drop',
      `ALTER TABLE ${M} DROP INDEX \`k_b\`, ADD KEY \`k_a\` (\`a\`), ${maria}`,
      /without putting them back: k_b/,
    ],
    ['drop', `ALTER TABLE ${M} ADD PRIMARY KEY (\`a\`), ADD KEY \`k_a\` (\`a\`), ${maria}`, /more than add and drop/],
    ['drop', `ALTER TABLE ${M} ADD KEY \`k_a\` (\`a\`), RENAME TO \`gone\`, ${maria}`, /more than add and drop|parser/],
    ['enable', `ALTER TABLE ${M} ALTER INDEX \`k_a\` IGNORED, DROP COLUMN \`a\``, /ALTER INDEX/],
    ['enable', `ALTER TABLE ${M} ALTER INDEX \`k_b\` IGNORED, ALGORITHM=INSTANT, LOCK=NONE`, /index "k_b"/],
    ['enable', `ALTER TABLE \`shop\`.\`other\` ALTER INDEX \`k_a\` IGNORED`, /table other/],
    ['mystery', `ALTER TABLE ${M} DROP INDEX \`k_a\`, ${maria}`, /no reverse statements/],
  ])('refuses a stored reverse of a %s: %s', async (action, sql, reason) => {
    expect(await checkMysqlStoredRollback(mysqlStep(action), sql)).toMatch(reason);
  });
});

/** The partition lookup is the only query the PostgreSQL check sends; these cases never need it. */
const noQueries: Queryable = {
  query: async () => {
    throw new Error('no query expected');
  },
};
const pgStep = (action: string): StoredRollback => ({ action, table: { schema: 'public', name: 't' }, index: 'ix' });

describe('stored PostgreSQL rollbacks', () => {
  it.each([
    ['create', 'DROP INDEX CONCURRENTLY "public"."ix"'],
    ['create', 'DROP INDEX "public"."ix"'],
    ['drop', 'CREATE UNIQUE INDEX CONCURRENTLY ix ON public.t USING btree (a) WHERE (a > 0)'],
    ['drop', 'CREATE INDEX ix ON ONLY public.t USING btree (a)'],
    ['drop', 'ALTER INDEX "public"."ix" ATTACH PARTITION "public"."t_p1_ix"'],
    ['drop', 'COMMENT ON INDEX "public"."ix" IS \'keep\''],
    ['drop', 'ALTER INDEX "public"."ix" ALTER COLUMN 1 SET STATISTICS 500'],
    ['drop', 'ALTER TABLE "public"."t" REPLICA IDENTITY USING INDEX "ix"'],
    ['drop', 'ALTER TABLE "public"."t" CLUSTER ON "ix"'],
    ['replace', 'ALTER TABLE "public"."t" REPLICA IDENTITY USING INDEX "ix_si_new"'],
    ['replace', 'ALTER TABLE "public"."t" CLUSTER ON "ix_si_new"'],
    ['replace', 'COMMENT ON INDEX "public"."ix_si_new" IS E\'don\'\'t\\\\\''],
    ['replace', 'ALTER INDEX "public"."ix_si_new" ALTER COLUMN 2 SET STATISTICS 1000'],
    ['replace', 'CREATE INDEX CONCURRENTLY ix_si_new ON public.t USING btree (a)'],
    ['replace', 'DROP INDEX CONCURRENTLY "public"."ix"'],
    ['replace', 'ALTER INDEX "public"."ix_si_new" RENAME TO "ix"'],
  ])('accepts the reverse of a %s the tool writes: %s', async (action, sql) => {
    expect(await checkPostgresStoredRollback(noQueries, pgStep(action), sql)).toBeUndefined();
  });

  it.each([
    ['create', 'ALTER ROLE app SUPERUSER', /AlterRole, not index DDL/],
    ['create', 'GRANT ALL ON ALL TABLES IN SCHEMA public TO app', /Grant/],
    ['create', 'DROP INDEX CONCURRENTLY "public"."ix"; ALTER ROLE app SUPERUSER', /2 statements/],
    ['create', 'DROP INDEX "public"."other"', /drops index "other"/],
    ['create', 'DROP INDEX "public"."ix", "public"."other"', /exactly one index/],
    ['create', 'DROP INDEX "public"."ix" CASCADE', /exactly one index/],
    ['create', 'DROP TABLE "public"."t"', /exactly one index/],
    ['create', 'DROP INDEX "ix"', /drops index/],
    ['create', 'CREATE INDEX CONCURRENTLY ix ON public.t (a)', /build statement does not undo a create/],
    ['drop', 'CREATE INDEX CONCURRENTLY other ON public.t (a)', /builds index "other"/],
    ['drop', 'CREATE INDEX CONCURRENTLY ix ON secret.t (a)', /outside the step’s schema/],
    ['drop', 'ALTER INDEX "public"."ix" RENAME TO "elsewhere"', /rename statement does not undo|does not own/],
    ['drop', 'ALTER TABLE "public"."t" DROP COLUMN a', /alters something other/],
    ['drop', 'COMMENT ON TABLE "public"."t" IS \'x\'', /comments on something other/],
    ['drop', 'ALTER TABLE "public"."t" REPLICA IDENTITY USING INDEX "other"', /alters something other/],
    ['drop', 'ALTER TABLE "public"."t" REPLICA IDENTITY FULL', /alters something other/],
    ['drop', 'ALTER TABLE "public"."t" REPLICA IDENTITY NOTHING', /alters something other/],
    ['replace', 'ALTER TABLE "public"."t" CLUSTER ON "other"', /alters something other/],
    ['replace', 'ALTER TABLE "public"."other" CLUSTER ON "ix"', /alters something other/],
    ['replace', 'ALTER TABLE "public"."t" CLUSTER ON "ix", DROP COLUMN a', /alters something other/],
    [
      'create',
      'ALTER TABLE "public"."t" REPLICA IDENTITY USING INDEX "ix"',
      /property statement does not undo a create/,
    ],
    ['create', 'COMMENT ON INDEX "public"."ix" IS \'x\'', /property statement does not undo a create/],
    ['drop', 'SELECT pg_terminate_backend(1)', /Select, not index DDL/],
    ['replace', 'ALTER INDEX "public"."other" RENAME TO "ix"', /does not own/],
  ])('refuses a stored reverse of a %s: %s', async (action, sql, reason) => {
    expect(await checkPostgresStoredRollback(noQueries, pgStep(action), sql)).toMatch(reason);
  });
});
