import type { Knex } from 'knex';

/**
 * Contact-centre requests about technical failures (rules, items 15–16): the request with the
 * deadline of every step, its append-only events (each with the notice sent to the participant) and
 * its screenshots (files under `${dataDir}/uploads/support/`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('create sequence support_request_number_seq start 1');
  await knex.schema.createTable('support_requests', (t) => {
    t.bigIncrements('id');
    t.string('number').notNullable().unique();
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.text('description').notNullable();
    t.string('location', 500).notNullable().defaultTo('');
    t.string('contact_phone');
    t.string('contact_email');
    t.string('status').notNullable().defaultTo('new');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('register_due_at', { useTz: true }).notNullable();
    t.timestamp('registered_at', { useTz: true });
    t.bigInteger('registered_by').references('persons.id');
    t.timestamp('analyse_due_at', { useTz: true });
    t.timestamp('analysed_at', { useTz: true });
    t.bigInteger('analysed_by').references('persons.id');
    t.string('outcome');
    t.timestamp('outcome_notice_due_at', { useTz: true });
    t.timestamp('outcome_notified_at', { useTz: true });
    t.timestamp('escalate_due_at', { useTz: true });
    t.timestamp('escalated_at', { useTz: true });
    t.bigInteger('escalated_by').references('persons.id');
    t.timestamp('fix_start_due_at', { useTz: true });
    t.timestamp('fix_expected_at', { useTz: true });
    t.timestamp('fixed_at', { useTz: true });
    t.bigInteger('fixed_by').references('persons.id');
    t.timestamp('fixed_notice_due_at', { useTz: true });
    t.timestamp('fixed_notified_at', { useTz: true });
    /** the deadline of the next step; null once the request is closed */
    t.timestamp('due_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['person_id', 'received_at']);
    t.index(['status']);
  });
  await knex.raw(
    `alter table support_requests add constraint support_requests_status_check check (status in ('new','registered','confirmed','refuted','escalated','fixed'))`,
  );
  await knex.raw(
    `alter table support_requests add constraint support_requests_outcome_check check (outcome is null or outcome in ('confirmed','refuted'))`,
  );
  await knex.raw(
    `create index support_requests_open_due on support_requests (due_at) where closed_at is null`,
  );

  await knex.schema.createTable('support_request_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('support_requests.id');
    t.timestamp('at', { useTz: true }).notNullable();
    t.bigInteger('actor_id').references('persons.id');
    t.string('action').notNullable();
    t.string('from_status');
    t.string('to_status').notNullable();
    t.text('comment');
    /** the deadline this step had, and whether it was kept */
    t.timestamp('due_at', { useTz: true });
    t.boolean('on_time');
    /** the notice sent to the participant (a locale key with its parameters) */
    t.string('notice_key');
    t.jsonb('notice_params').notNullable().defaultTo('{}');
    t.timestamp('notified_at', { useTz: true });
    t.index(['request_id', 'at']);
  });

  await knex.schema.createTable('support_attachments', (t) => {
    t.bigIncrements('id');
    t.bigInteger('request_id').notNullable().references('support_requests.id');
    t.string('file_name').notNullable().unique();
    t.string('mime').notNullable();
    t.integer('size_bytes').notNullable();
    t.string('original_name', 255).notNullable().defaultTo('');
    t.string('sha256', 64).notNullable();
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('support_attachments');
  await knex.schema.dropTable('support_request_events');
  await knex.schema.dropTable('support_requests');
  await knex.raw('drop sequence if exists support_request_number_seq');
}
