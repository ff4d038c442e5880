import type { Knex } from 'knex';

/**
 * Every signed document gets a short verification code: printed with a QR code on each PDF a person
 * may hand over, it opens the public verification page (`/verify/{code}`), which shows what was
 * signed, when, by whom (masked) and the result of verifying the stored signature now. The code is
 * random (48 bits, 12 hexadecimal letters), so documents cannot be enumerated by counting.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table signed_documents
      add column verification_code text not null
        default upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 12))
  `);
  await knex.raw(
    'create unique index signed_documents_verification_code_unique on signed_documents (verification_code)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table signed_documents drop column verification_code');
}
