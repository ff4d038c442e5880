import type { Knex } from 'knex';

/**
 * Planned maintenance and failure notices with the expected fix time (rules, item 14): a banner on
 * every page while active (starts_at ≤ now < ends_at, or no end yet).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('notices', (t) => {
    t.bigIncrements('id');
    t.string('kind').notNullable();
    t.string('title_ru', 300).notNullable();
    t.string('title_kk', 300).notNullable();
    t.string('title_en', 300).notNullable();
    t.text('text_ru').notNullable().defaultTo('');
    t.text('text_kk').notNullable().defaultTo('');
    t.text('text_en').notNullable().defaultTo('');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true });
    t.timestamp('fix_expected_at', { useTz: true });
    t.bigInteger('created_by').references('persons.id');
    t.bigInteger('updated_by').references('persons.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['starts_at', 'ends_at']);
  });
  await knex.raw(
    `alter table notices add constraint notices_kind_check check (kind in ('maintenance','failure'))`,
  );
  await knex.raw(
    `alter table notices add constraint notices_period_check check (ends_at is null or ends_at > starts_at)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('notices');
}
