// Usage snapshots: one row per index per source per `usage --record` or `apply`, so that a verdict
// rests on deltas between snapshots over a window, across statistic resets and server restarts.

/** Creates the usage snapshot table. @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('safe_index_usage', (t) => {
    t.increments('id').primary();
    t.string('source', 1024).notNullable();
    t.timestamp('recorded_at', { useTz: true, precision: 3 }).notNullable();
    t.string('unit', 16).notNullable();
    t.timestamp('server_start', { useTz: true, precision: 3 }).nullable();
    t.timestamp('stats_reset', { useTz: true, precision: 3 }).nullable();
    t.string('table_schema', 255).notNullable();
    t.string('table_name', 255).notNullable();
    t.string('index_name', 255).notNullable();
    t.bigInteger('scans').notNullable();
    t.timestamp('last_scan', { useTz: true, precision: 3 }).nullable();
    t.index(['recorded_at'], 'safe_index_usage_recorded_at');
  });
}

/** Drops the usage snapshot table. @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('safe_index_usage');
}
