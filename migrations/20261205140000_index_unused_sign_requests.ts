import type { Knex } from 'knex';

/**
 * Unused sign requests hold names, IINs and addresses; a job deletes them once they expire. This
 * partial index lets it find them without reading the consumed ones (kept with their signed documents).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'create index sign_requests_unused_expiry on sign_requests (expires_at) where consumed_at is null',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists sign_requests_unused_expiry');
}
