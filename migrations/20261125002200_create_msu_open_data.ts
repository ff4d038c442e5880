import type { Knex } from 'knex';

/**
 * What the public open-data pages publish (seed 004's model): every released place with the end of
 * its priority window and its outcome, and every referral issued (with the recipient's initials only,
 * stored masked at issue time so the public pages never touch personal data).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('msu_releases', (t) => {
    t.bigIncrements('id');
    t.bigInteger('institution_id').notNullable().references('msu_institutions.id');
    t.bigInteger('department_id').notNullable().references('msu_departments.id');
    t.timestamp('released_at', { useTz: true }).notNullable();
    t.string('cause').notNullable();
    t.bigInteger('previous_release_id').references('msu_releases.id');
    t.bigInteger('offered_order_id').references('orders.id');
    t.bigInteger('queue_number');
    t.timestamp('priority_ends_at', { useTz: true });
    t.string('outcome').notNullable();
    t.timestamp('outcome_at', { useTz: true });
    t.index(['department_id', 'released_at']);
    t.index(['institution_id', 'released_at']);
    t.index(['released_at']);
  });
  await knex.raw(
    `alter table msu_releases add constraint msu_releases_cause check (cause in ('discharge','no_show','enrolment_cancelled','beds_added','offer_declined','offer_lapsed','offer_cancelled'))`,
  );
  await knex.raw(
    `alter table msu_releases add constraint msu_releases_outcome check (outcome in ('pending','accepted','declined','lapsed','cancelled','free'))`,
  );
  await knex.raw(
    `alter table msu_releases add constraint msu_releases_offer check ((outcome = 'free') = (offered_order_id is null))`,
  );
  await knex.raw(
    `create unique index msu_releases_one_pending_offer on msu_releases (offered_order_id) where outcome = 'pending'`,
  );
  await knex.raw(
    `create index msu_releases_due on msu_releases (priority_ends_at) where outcome = 'pending'`,
  );

  await knex.schema.createTable('msu_referrals', (t) => {
    t.bigIncrements('id');
    t.bigInteger('order_id').notNullable().unique().references('orders.id');
    t.bigInteger('institution_id').notNullable().references('msu_institutions.id');
    t.bigInteger('department_id').notNullable().references('msu_departments.id');
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.string('recipient_masked').notNullable();
    t.string('via').notNullable();
    t.bigInteger('queue_number');
    t.integer('queue_position');
    t.bigInteger('release_id').references('msu_releases.id');
    t.index(['issued_at']);
    t.index(['institution_id', 'issued_at']);
  });
  await knex.raw(
    `alter table msu_referrals add constraint msu_referrals_via check (via in ('free_bed','queue_offer'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('msu_referrals');
  await knex.schema.dropTable('msu_releases');
}
