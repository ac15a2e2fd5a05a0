// Records which fleet apply (`apply --targets`) a run was part of, so that `rollback --targets` undoes
// that apply's runs only: never a run of an earlier apply on a database the fleet apply did not reach.

/** Adds the fleet-deploy column. @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.string('fleet_deploy', 64).nullable();
  });
}

/** Drops the fleet-deploy column. @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.alterTable('safe_index_runs', (t) => {
    t.dropColumn('fleet_deploy');
  });
}
