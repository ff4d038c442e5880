import type { Knex } from 'knex';

/** The two-month supplier-choice window job scans open measures by the date of their notice. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index ipr_measures_window on ipr_measures (notified_at) where status = 'open'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists ipr_measures_window');
}
