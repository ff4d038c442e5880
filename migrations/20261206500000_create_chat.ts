import type { Knex } from 'knex';

/**
 * The chat with the contact centre (rules, item 16: «чат-бот на портале»): a conversation of a
 * browser session (anonymous or a logged-in person) with its messages from the visitor, the bot and
 * the operators. Support requests may now come without a login and from other channels (the public
 * form, the chat, a phone call or a messenger recorded by an operator): the person is then optional
 * and the contact given is kept instead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('chat_conversations', (t) => {
    t.bigIncrements('id');
    t.bigInteger('person_id').references('persons.id');
    t.string('locale', 2).notNullable().defaultTo('ru');
    t.string('status').notNullable().defaultTo('bot');
    t.bigInteger('operator_id').references('persons.id');
    t.string('contact_name', 200);
    t.string('contact', 200);
    t.bigInteger('support_request_id').references('support_requests.id');
    t.timestamp('handed_at', { useTz: true });
    t.timestamp('last_message_at', { useTz: true }).notNullable();
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['status', 'last_message_at']);
  });
  await knex.raw(
    `alter table chat_conversations add constraint chat_conversations_status_check check (status in ('bot','waiting','active','registered','closed'))`,
  );
  await knex.schema.createTable('chat_messages', (t) => {
    t.bigIncrements('id');
    t.bigInteger('conversation_id').notNullable().references('chat_conversations.id');
    t.string('author').notNullable();
    t.bigInteger('author_id').references('persons.id');
    t.text('body').notNullable().defaultTo('');
    /** a text of the portal (a locale key) with its parameters, for the bot's and the system's lines */
    t.string('text_key');
    t.jsonb('params').notNullable().defaultTo('{}');
    /** the pages the bot found: [{ kind, id, title }] */
    t.jsonb('links').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['conversation_id', 'id']);
  });
  await knex.raw(
    `alter table chat_messages add constraint chat_messages_author_check check (author in ('visitor','bot','operator','system'))`,
  );
  await knex.raw(
    `alter table chat_messages add constraint chat_messages_body_length check (length(body) <= 4000)`,
  );

  // the bot's search of the published FAQ and instructions, one index per language
  for (const [lang, config] of [
    ['ru', 'russian'],
    ['kk', 'simple'],
    ['en', 'english'],
  ] as const) {
    await knex.raw(
      `create index content_items_fts_${lang} on content_items using gin (to_tsvector('${config}', coalesce(title_${lang}, '') || ' ' || coalesce(body_${lang}, '')))`,
    );
  }

  await knex.schema.alterTable('support_requests', (t) => {
    t.bigInteger('person_id').nullable().alter();
    t.string('channel', 20).notNullable().defaultTo('portal');
    t.string('contact_name', 200);
    t.string('contact', 200);
    t.string('caller_iin', 12);
    t.bigInteger('recorded_by').references('persons.id');
    t.bigInteger('chat_conversation_id').references('chat_conversations.id');
  });
  await knex.raw(
    `alter table support_requests add constraint support_requests_channel_check check (channel in ('portal','web','chat','phone','messenger'))`,
  );
  await knex.raw(
    `alter table support_requests add constraint support_requests_someone_check check (person_id is not null or contact is not null)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table support_requests drop constraint support_requests_someone_check');
  await knex.raw('alter table support_requests drop constraint support_requests_channel_check');
  await knex.schema.alterTable('support_requests', (t) => {
    t.dropColumn('chat_conversation_id');
    t.dropColumn('recorded_by');
    t.dropColumn('caller_iin');
    t.dropColumn('contact');
    t.dropColumn('contact_name');
    t.dropColumn('channel');
  });
  await knex.raw(
    'delete from support_attachments where request_id in (select id from support_requests where person_id is null)',
  );
  await knex.raw(
    'delete from support_request_events where request_id in (select id from support_requests where person_id is null)',
  );
  await knex.raw('delete from support_requests where person_id is null');
  await knex.raw('alter table support_requests alter column person_id set not null');
  for (const lang of ['ru', 'kk', 'en']) await knex.raw(`drop index if exists content_items_fts_${lang}`);
  await knex.schema.dropTable('chat_messages');
  await knex.schema.dropTable('chat_conversations');
}
