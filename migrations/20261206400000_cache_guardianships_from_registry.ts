import type { Knex } from 'knex';

/**
 * Guardianships come from the guardianship registry (органы опеки и попечительства): the
 * `guardianships` table becomes a cache of the registry's answer about a guardian's wards in force,
 * with the decision it rests on and `checked_at`, when the registry last confirmed it (a request made
 * for a ward asks the registry again once GUARDIANSHIP_CHECK_TTL_SECONDS have passed).
 * `dev_guardianship_ends`: guardianships the dev stand's registry has ended (dev stand and tests).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('guardianships', (t) => {
    t.string('kind').notNullable().defaultTo('guardianship');
    t.string('decision_number').notNullable().defaultTo('');
    t.date('decision_date');
    t.string('authority').notNullable().defaultTo('');
    t.date('valid_from');
    t.timestamp('checked_at', { useTz: true });
  });
  await knex.raw(
    `alter table guardianships add constraint guardianships_kind_check check (kind in ('guardianship','trusteeship'))`,
  );
  await knex.schema.createTable('dev_guardianship_ends', (t) => {
    t.string('guardian_iin', 12).notNullable();
    t.string('ward_iin', 12).notNullable();
    t.date('ended_on').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['guardian_iin', 'ward_iin']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('dev_guardianship_ends');
  await knex.raw('alter table guardianships drop constraint if exists guardianships_kind_check');
  await knex.schema.alterTable('guardianships', (t) => {
    t.dropColumns('kind', 'decision_number', 'decision_date', 'authority', 'valid_from', 'checked_at');
  });
}
