// Records the lock timeout and retries a run used, so that `rollback` undoes it with the same ones.

/** Adds the settings columns. @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.integer('lock_timeout_ms').nullable();
    t.integer('max_retries').nullable();
  });
}

/** Drops the settings columns. @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.dropColumn('lock_timeout_ms');
    t.dropColumn('max_retries');
  });
}
