import type { Knex } from 'knex';

/** Photos of goods: the file lives under DATA_DIR/uploads/goods/<stored_name>, its type taken from the content. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('goods_photos', (t) => {
    t.bigIncrements('id');
    t.bigInteger('goods_id').notNullable().references('goods.id').onDelete('CASCADE');
    t.string('stored_name').notNullable().unique();
    t.string('content_type').notNullable();
    t.integer('size_bytes').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['goods_id']);
  });
  await knex.raw(
    `alter table goods_photos add constraint goods_photos_type check (content_type in ('image/jpeg','image/png','image/webp'))`,
  );
  await knex.raw(
    `alter table goods_photos add constraint goods_photos_size check (size_bytes > 0 and size_bytes <= 5242880)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('goods_photos');
}
