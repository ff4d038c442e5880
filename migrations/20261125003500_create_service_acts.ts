import type { Knex } from 'knex';

/**
 * Monthly acts of rendered services. A scanned act (PDF/JPEG/PNG stored under the data folder with its
 * SHA-256) is sent after the specialist confirms it; an electronic act is signed by the specialist and
 * then by the recipient. A sent act, or an electronic one awaiting the recipient, locks the month.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_acts', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().references('orders.id');
    t.bigInteger('specialist_person_id').notNullable().references('persons.id');
    t.bigInteger('recipient_id').notNullable().references('persons.id');
    t.string('period', 7).notNullable();
    t.string('method', 16).notNullable();
    t.string('status', 24).notNullable();
    t.boolean('ends_joint_work').notNullable().defaultTo(false);
    t.integer('hours').notNullable().defaultTo(0);
    t.string('file_path');
    t.string('file_name');
    t.string('file_mime');
    t.integer('file_size');
    t.string('file_sha256', 64);
    t.bigInteger('specialist_signed_document_id').references('signed_documents.id');
    t.bigInteger('recipient_signed_document_id').references('signed_documents.id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.index(['specialist_person_id', 'created_at']);
    t.index(['order_id', 'period']);
  });
  await knex.raw(
    `alter table service_acts add constraint service_acts_method_check check (method in ('scan','electronic'))`,
  );
  await knex.raw(
    `alter table service_acts add constraint service_acts_status_check check (status in ('draft','awaiting_recipient','sent','cancelled'))`,
  );
  await knex.raw(
    `create unique index service_acts_one_per_month on service_acts (order_id, period) where status in ('awaiting_recipient','sent')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_acts');
}
