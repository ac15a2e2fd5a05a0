// Records the hash of the saved plan a run applied (`apply FILE`), null for runs planned at apply time.

/** Adds the saved-plan hash column. @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.string('saved_plan_hash', 64).nullable();
  });
}

/** Drops the saved-plan hash column. @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.dropColumn('saved_plan_hash');
  });
}
