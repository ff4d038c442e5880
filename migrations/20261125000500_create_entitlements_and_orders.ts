import type { Knex } from 'knex';

/**
 * Help types (reference data every environment needs), the IPR and its measures as Е-Собес sends them,
 * and the orders every module creates: one table for the common part, so that «one open order per help
 * type» is a unique index, plus an append-only event per status change.
 */
export const HELP_TYPES: {
  code: string;
  category: 'service' | 'tsr' | 'payment';
  unit: 'hours' | 'items' | 'days' | 'tiyn';
  name_ru: string;
  name_kk: string;
  name_en: string;
  guaranteed_sum_tiyn?: number;
  accompanying_service?: boolean;
  sort: number;
}[] = [
  {
    code: 'MSU',
    category: 'service',
    unit: 'days',
    name_ru: 'Специальные социальные услуги в условиях стационара (МСУ)',
    name_kk: 'Стационар жағдайында арнаулы әлеуметтік қызметтер (МӘМ)',
    name_en: 'Special social services in a residential care institution (MSU)',
    sort: 10,
  },
  {
    code: 'UZHYA',
    category: 'service',
    unit: 'hours',
    name_ru: 'Услуга специалиста жестового языка',
    name_kk: 'Ым тілі маманының қызметі',
    name_en: 'Sign-language specialist service',
    sort: 20,
  },
  {
    code: 'UIP',
    category: 'service',
    unit: 'hours',
    name_ru: 'Услуга индивидуального помощника',
    name_kk: 'Жеке көмекшінің қызметі',
    name_en: 'Individual assistant service',
    sort: 30,
  },
  {
    code: 'SANATORIUM',
    category: 'service',
    unit: 'days',
    name_ru: 'Санаторно-курортное лечение',
    name_kk: 'Санаторий-курорттық емдеу',
    name_en: 'Sanatorium treatment',
    sort: 40,
  },
  {
    code: 'TSR_WHEELCHAIR',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Кресло-коляска комнатная',
    name_kk: 'Бөлме арбасы',
    name_en: 'Indoor wheelchair',
    guaranteed_sum_tiyn: 12_000_000,
    sort: 50,
  },
  {
    code: 'TSR_PROSTHESIS',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Протез голени',
    name_kk: 'Сирақ протезі',
    name_en: 'Lower-leg prosthesis',
    guaranteed_sum_tiyn: 45_000_000,
    accompanying_service: true,
    sort: 60,
  },
  {
    code: 'TSR_ORTHO_SHOES',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Ортопедическая обувь',
    name_kk: 'Ортопедиялық аяқ киім',
    name_en: 'Orthopaedic shoes',
    guaranteed_sum_tiyn: 3_500_000,
    accompanying_service: true,
    sort: 70,
  },
  {
    code: 'TSR_HEARING_AID',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Слуховой аппарат',
    name_kk: 'Есту аппараты',
    name_en: 'Hearing aid',
    guaranteed_sum_tiyn: 9_000_000,
    accompanying_service: true,
    sort: 80,
  },
  {
    code: 'TSR_WHITE_CANE',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Трость тактильная',
    name_kk: 'Тактильді таяқ',
    name_en: 'Tactile white cane',
    guaranteed_sum_tiyn: 600_000,
    sort: 90,
  },
  {
    code: 'TSR_DIAPERS',
    category: 'tsr',
    unit: 'items',
    name_ru: 'Подгузники для взрослых',
    name_kk: 'Ересектерге арналған жөргектер',
    name_en: 'Adult diapers',
    guaranteed_sum_tiyn: 1_200_000,
    sort: 100,
  },
  {
    code: 'PAYMENT_SPECIAL',
    category: 'payment',
    unit: 'tiyn',
    name_ru: 'Специальное государственное пособие',
    name_kk: 'Арнаулы мемлекеттік жәрдемақы',
    name_en: 'Special state allowance',
    sort: 110,
  },
  {
    code: 'PAYMENT_TRANSPORT',
    category: 'payment',
    unit: 'tiyn',
    name_ru: 'Компенсация транспортных расходов',
    name_kk: 'Көлік шығындарының өтемақысы',
    name_en: 'Transport costs compensation',
    sort: 120,
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('help_types', (t) => {
    t.string('code').primary();
    t.string('category').notNullable();
    t.string('unit').notNullable();
    t.string('name_ru').notNullable();
    t.string('name_kk').notNullable();
    t.string('name_en').notNullable();
    t.bigInteger('guaranteed_sum_tiyn');
    t.boolean('accompanying_service').notNullable().defaultTo(false);
    t.integer('sort').notNullable().defaultTo(0);
    t.boolean('active').notNullable().defaultTo(true);
  });
  await knex.raw(
    `alter table help_types add constraint help_types_category check (category in ('service','tsr','payment'))`,
  );
  await knex('help_types').insert(HELP_TYPES);

  await knex.schema.createTable('iprs', (t) => {
    t.bigIncrements('id');
    t.string('external_id').notNullable().unique();
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.date('developed_on').notNullable();
    t.date('valid_until');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('ipr_measures', (t) => {
    t.bigIncrements('id');
    t.string('external_id').notNullable().unique();
    t.bigInteger('ipr_id').notNullable().references('iprs.id');
    t.bigInteger('person_id').notNullable().references('persons.id');
    t.string('help_type').notNullable().references('help_types.code');
    t.integer('volume').notNullable();
    t.integer('used_volume').notNullable().defaultTo(0);
    t.date('deadline');
    t.string('status').notNullable().defaultTo('open');
    t.timestamp('notified_at', { useTz: true });
    t.timestamp('choice_blocked_at', { useTz: true });
    t.timestamp('activation_requested_at', { useTz: true });
    t.integer('revision').notNullable().defaultTo(1);
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['person_id', 'help_type']);
  });
  await knex.raw(
    `alter table ipr_measures add constraint ipr_measures_status check (status in ('open','choice_blocked','activation_pending','fulfilled','closed'))`,
  );
  await knex.raw(
    `alter table ipr_measures add constraint ipr_measures_volume check (volume >= 0 and used_volume >= 0 and used_volume <= volume)`,
  );

  await knex.raw('create sequence order_number_seq start 1000');
  await knex.schema.createTable('orders', (t) => {
    t.bigIncrements('id');
    t.string('number').notNullable().unique();
    t.string('kind').notNullable();
    t.string('help_type').notNullable().references('help_types.code');
    t.bigInteger('recipient_id').notNullable().references('persons.id');
    t.bigInteger('created_by').notNullable().references('persons.id');
    t.bigInteger('measure_id').references('ipr_measures.id');
    t.bigInteger('organisation_id').references('organisations.id');
    t.bigInteger('specialist_id').references('persons.id');
    t.string('status').notNullable();
    t.boolean('is_open').notNullable().defaultTo(true);
    t.integer('version').notNullable().defaultTo(1);
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('status_changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['recipient_id', 'created_at']);
    t.index(['organisation_id', 'created_at']);
    t.index(['specialist_id', 'created_at']);
    t.index(['kind', 'status']);
  });
  await knex.raw(`alter table orders add constraint orders_kind check (kind in ('msu','service','goods'))`);
  await knex.raw(
    `create unique index orders_one_open_per_help_type on orders (recipient_id, help_type) where is_open`,
  );

  await knex.schema.createTable('order_events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().references('orders.id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.bigInteger('actor_id').references('persons.id');
    t.bigInteger('principal_id').references('persons.id');
    t.string('action').notNullable();
    t.string('from_status');
    t.string('to_status').notNullable();
    t.text('reason');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.bigInteger('signed_document_id').references('signed_documents.id');
    t.index(['order_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('order_events');
  await knex.schema.dropTable('orders');
  await knex.raw('drop sequence if exists order_number_seq');
  await knex.schema.dropTable('ipr_measures');
  await knex.schema.dropTable('iprs');
  await knex.schema.dropTable('help_types');
}
