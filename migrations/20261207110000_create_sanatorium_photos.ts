import type { Knex } from 'knex';

/**
 * Photos of a sanatorium (issue 17 item 1): each with its alternative text for screen readers. The
 * file is in the file store (`stored_files`, by `stored_name`), written in the transaction of its row;
 * its type is read from the content.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sanatorium_photos', (t) => {
    t.bigIncrements('id');
    t.bigInteger('organisation_id')
      .notNullable()
      .references('sanatoriums.organisation_id')
      .onDelete('CASCADE');
    t.string('stored_name').notNullable().unique();
    t.string('content_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.text('alt').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['organisation_id']);
  });
  await knex.raw(
    `alter table sanatorium_photos add constraint sanatorium_photos_type check (content_type in ('image/jpeg','image/png','image/webp'))`,
  );
  await knex.raw(
    `alter table sanatorium_photos add constraint sanatorium_photos_size check (size_bytes > 0 and size_bytes <= 5242880)`,
  );
  await knex.raw(
    `alter table sanatorium_photos add constraint sanatorium_photos_alt check (length(btrim(alt)) between 1 and 300)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sanatorium_photos');
}
