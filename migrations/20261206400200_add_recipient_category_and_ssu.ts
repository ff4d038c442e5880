import type { Knex } from 'knex';

/**
 * Rules, item 7: persons with disabilities see the measures of their ИПР; persons unable to care for
 * themselves because of old age see the special social services (ССУ) recommended to them. Е-Собес
 * sends both through the same import with the category: `iprs.category` ('disability' | 'elderly'),
 * the disability group for the first, none for the second. `help_types.ssu` marks the special social
 * services (the only help an elderly person's import may carry), with the three forms besides the
 * residential one (МСУ).
 */
export const SSU_HELP_TYPES = [
  {
    code: 'SSU_HOME',
    category: 'service',
    unit: 'days',
    name_ru: 'Специальные социальные услуги в условиях ухода на дому',
    name_kk: 'Үйде күтім жағдайында арнаулы әлеуметтік қызметтер',
    name_en: 'Special social services: care at home',
    sort: 12,
    ssu: true,
  },
  {
    code: 'SSU_DAY',
    category: 'service',
    unit: 'days',
    name_ru: 'Специальные социальные услуги в условиях полустационара',
    name_kk: 'Жартылай стационар жағдайында арнаулы әлеуметтік қызметтер',
    name_en: 'Special social services: day care',
    sort: 14,
    ssu: true,
  },
  {
    code: 'SSU_TEMP',
    category: 'service',
    unit: 'days',
    name_ru: 'Специальные социальные услуги в условиях временного пребывания',
    name_kk: 'Уақытша болу жағдайында арнаулы әлеуметтік қызметтер',
    name_en: 'Special social services: temporary stay',
    sort: 16,
    ssu: true,
  },
];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('help_types', (t) => {
    t.boolean('ssu').notNullable().defaultTo(false);
  });
  await knex('help_types').where({ code: 'MSU' }).update({ ssu: true });
  await knex('help_types').insert(SSU_HELP_TYPES);
  await knex.schema.alterTable('iprs', (t) => {
    t.string('category').notNullable().defaultTo('disability');
    t.smallint('disability_group');
  });
  await knex.raw(
    `alter table iprs add constraint iprs_category_check check (category in ('disability','elderly'))`,
  );
  await knex.raw(
    `alter table iprs add constraint iprs_disability_group_check check (disability_group is null or (category = 'disability' and disability_group between 1 and 3))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table iprs drop constraint if exists iprs_disability_group_check');
  await knex.raw('alter table iprs drop constraint if exists iprs_category_check');
  await knex.schema.alterTable('iprs', (t) => {
    t.dropColumns('category', 'disability_group');
  });
  await knex('help_types')
    .whereIn(
      'code',
      SSU_HELP_TYPES.map((h) => h.code),
    )
    .delete();
  await knex.schema.alterTable('help_types', (t) => {
    t.dropColumn('ssu');
  });
}
