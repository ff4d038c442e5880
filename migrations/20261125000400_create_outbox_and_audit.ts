import type { Knex } from 'knex';

/**
 * The transactional outbox (every message to an external system is written in the same transaction
 * as the change that causes it), the dev-stand adapters' mailboxes, and the audit log.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.string('system').notNullable();
    t.string('topic').notNullable();
    t.string('idempotency_key').notNullable().unique();
    t.jsonb('payload').notNullable();
    t.string('state').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('last_error');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('delivered_at', { useTz: true });
  });
  await knex.raw(
    `alter table outbox add constraint outbox_state_check check (state in ('pending','delivered','failed'))`,
  );
  await knex.raw(`create index outbox_due on outbox (next_attempt_at) where state = 'pending'`);

  // what the dev-stand adapters received (the SMS gateway's and Е-Собес's side of the wire)
  await knex.schema.createTable('dev_sms', (t) => {
    t.bigIncrements('id');
    t.string('phone').notNullable();
    t.text('text').notNullable();
    t.string('idempotency_key').unique();
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('dev_esobes_inbox', (t) => {
    t.bigIncrements('id');
    t.string('topic').notNullable();
    t.string('idempotency_key').notNullable().unique();
    t.jsonb('payload').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.createTable('dev_email', (t) => {
    t.bigIncrements('id');
    t.string('to').notNullable();
    t.string('subject').notNullable();
    t.text('text').notNullable();
    t.string('idempotency_key').unique();
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('actor_id').references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.bigInteger('organisation_id').references('organisations.id');
    t.string('action').notNullable();
    t.string('object_type');
    t.string('object_id');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.string('request_id');
    t.index(['at']);
    t.index(['object_type', 'object_id']);
    t.index(['actor_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('dev_email');
  await knex.schema.dropTable('dev_esobes_inbox');
  await knex.schema.dropTable('dev_sms');
  await knex.schema.dropTable('outbox');
}
