import type { Knex } from 'knex';

/**
 * The specialists' registry: a person included as a sign-language specialist (УЖЯ) or an individual
 * assistant (УИП) in a region and locality (assistants are offered only in the recipient's locality).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('specialists', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('kind', 8).notNullable();
    t.string('region').notNullable();
    t.string('locality').notNullable();
    t.string('status', 16).notNullable().defaultTo('active');
    t.date('included_on').notNullable();
    t.timestamp('excluded_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['person_id', 'kind']);
    t.index(['kind', 'status', 'locality']);
  });
  await knex.raw(
    `alter table specialists add constraint specialists_kind_check check (kind in ('UZHYA','UIP'))`,
  );
  await knex.raw(
    `alter table specialists add constraint specialists_status_check check (status in ('active','excluded'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('specialists');
}
