import type { Knex } from 'knex';

/**
 * One-time SMS codes that confirm a new phone number in «Личный кабинет»: the code is kept only as a
 * keyed hash, expires, allows a few attempts and is used once. The newest unused row of a person is
 * the one that counts.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('phone_confirmations', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').notNullable().references('persons.id').onDelete('CASCADE');
    t.bigInteger('requested_by').references('persons.id');
    t.string('phone', 16).notNullable();
    t.string('code_hash', 64).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('consumed_at', { useTz: true });
    t.index(['person_id', 'created_at']);
  });
  await knex.raw(
    `alter table phone_confirmations add constraint phone_confirmations_attempts check (attempts >= 0 and attempts <= 5)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('phone_confirmations');
}
