import type { Knex } from 'knex';

/**
 * The recipient may refuse to sign a specialist's electronic act with a reason (signed): the act is
 * «disputed», returned to the specialist, and no longer locks its month, so the specialist corrects
 * the journal and signs the month's act again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table service_acts drop constraint service_acts_status_check');
  await knex.raw(
    `alter table service_acts add constraint service_acts_status_check check (status in ('draft','awaiting_recipient','sent','cancelled','disputed'))`,
  );
  await knex.schema.alterTable('service_acts', (t) => {
    t.text('dispute_reason');
    t.timestamp('disputed_at', { useTz: true });
    t.bigInteger('recipient_dispute_document_id').references('signed_documents.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_acts', (t) => {
    t.dropColumn('recipient_dispute_document_id');
    t.dropColumn('disputed_at');
    t.dropColumn('dispute_reason');
  });
  await knex('service_acts').where({ status: 'disputed' }).update({ status: 'cancelled' });
  await knex.raw('alter table service_acts drop constraint service_acts_status_check');
  await knex.raw(
    `alter table service_acts add constraint service_acts_status_check check (status in ('draft','awaiting_recipient','sent','cancelled'))`,
  );
}
