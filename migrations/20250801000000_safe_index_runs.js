// The tool's own state: one row per apply run, one row per planned step of a run.
// Plain ESM JavaScript so it loads at runtime from a fresh clone and from the published package
// without compilation (see src/state/migrate.ts).

/** Creates the run and step tables. @param {import('knex').Knex} knex */
export async function up(knex) {
  await knex.schema.createTable('safe_index_runs', (t) => {
    t.increments('id').primary();
    t.string('command', 16).notNullable();
    t.string('status', 16).notNullable();
    t.timestamp('started_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('finished_at', { useTz: true, precision: 3 }).nullable();
    t.timestamp('rolled_back_at', { useTz: true, precision: 3 }).nullable();
    t.string('client_user', 255).notNullable();
    t.string('client_host', 255).notNullable();
    t.string('db_user', 255).nullable();
    t.string('target', 1024).notNullable();
    t.string('flavor', 16).notNullable();
    t.string('server_version', 64).notNullable();
    t.text('plan_files', 'longtext').notNullable();
    t.bigInteger('lock_connection_id').nullable();
    t.string('rollback_file', 1024).nullable();
    t.text('rollback_script', 'longtext').nullable();
    t.text('error', 'longtext').nullable();
    t.index(['status'], 'safe_index_runs_status');
  });
  await knex.schema.createTable('safe_index_steps', (t) => {
    t.increments('id').primary();
    t.integer('run_id').unsigned().notNullable().references('id').inTable('safe_index_runs').onDelete('CASCADE');
    t.integer('ordinal').notNullable();
    t.string('action', 16).notNullable();
    t.string('table_schema', 255).notNullable();
    t.string('table_name', 255).notNullable();
    t.string('index_name', 255).notNullable();
    t.text('sql', 'longtext').notNullable();
    t.text('rollback_sql', 'longtext').notNullable();
    t.boolean('online').notNullable();
    t.string('status', 16).notNullable();
    t.integer('statements_done').notNullable().defaultTo(0);
    t.integer('attempts').notNullable().defaultTo(0);
    t.bigInteger('connection_id').nullable();
    t.timestamp('started_at', { useTz: true, precision: 3 }).nullable();
    t.timestamp('finished_at', { useTz: true, precision: 3 }).nullable();
    t.integer('duration_ms').nullable();
    t.text('error', 'longtext').nullable();
    t.unique(['run_id', 'ordinal'], { indexName: 'safe_index_steps_run_ordinal' });
  });
}

/** Drops the run and step tables. @param {import('knex').Knex} knex */
export async function down(knex) {
  await knex.schema.dropTableIfExists('safe_index_steps');
  await knex.schema.dropTableIfExists('safe_index_runs');
}
