import type { Knex } from 'knex';

/**
 * Administered content in three languages (rules, item 14): instructions, frequently asked questions
 * and news of new features. Bodies are sanitised rich text.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('content_items', (t) => {
    t.bigIncrements('id');
    t.string('kind').notNullable();
    t.string('title_ru', 300).notNullable();
    t.string('title_kk', 300).notNullable();
    t.string('title_en', 300).notNullable();
    t.text('body_ru').notNullable().defaultTo('');
    t.text('body_kk').notNullable().defaultTo('');
    t.text('body_en').notNullable().defaultTo('');
    t.boolean('published').notNullable().defaultTo(false);
    t.timestamp('published_at', { useTz: true });
    t.integer('sort').notNullable().defaultTo(0);
    t.bigInteger('created_by').references('persons.id');
    t.bigInteger('updated_by').references('persons.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['kind', 'published', 'sort']);
  });
  await knex.raw(
    `alter table content_items add constraint content_items_kind_check check (kind in ('instruction','faq','news'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('content_items');
}
