import type { Knex } from 'knex';

/**
 * Video of an instruction and its WebVTT captions (one track per language). The files live under
 * `${dataDir}/uploads/media/`; the rows say what they are.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('content_media', (t) => {
    t.bigIncrements('id');
    t.bigInteger('content_id').notNullable().references('content_items.id').onDelete('CASCADE');
    t.string('kind').notNullable();
    t.string('lang', 2);
    t.string('file_name').notNullable().unique();
    t.string('mime').notNullable();
    t.integer('size_bytes').notNullable();
    t.string('original_name', 255).notNullable().defaultTo('');
    t.bigInteger('uploaded_by').references('persons.id');
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `alter table content_media add constraint content_media_kind_check check (kind in ('video','captions'))`,
  );
  await knex.raw(
    `alter table content_media add constraint content_media_lang_check check ((kind = 'video' and lang is null) or (kind = 'captions' and lang in ('ru','kk','en')))`,
  );
  await knex.raw(
    `create unique index content_media_one_per_slot on content_media (content_id, kind, coalesce(lang, ''))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('content_media');
}
