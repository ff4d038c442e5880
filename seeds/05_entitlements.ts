import type { Knex } from 'knex';
import { personByKey } from '../src/devstand/people.js';

/**
 * The two-month supplier-choice window on the dev stand: БЕКОВ Н. (r13) has a ТСР measure whose
 * window is over («активации выбора поставщика» is offered) and one whose activation already went to
 * Е-Собес and waits for it to come back.
 */
export async function seed(knex: Knex): Promise<void> {
  const r13 = (await knex('persons')
    .where({ iin: personByKey('r13').iin })
    .first('id', 'iin')) as { id: number; iin: string };
  await knex('ipr_measures')
    .where({ person_id: r13.id, help_type: 'TSR_WHITE_CANE' })
    .update({
      status: 'choice_blocked',
      notified_at: knex.raw(`now() - interval '70 days'`),
      choice_blocked_at: knex.raw(`now() - interval '9 days'`),
    });
  const [pending] = (await knex('ipr_measures')
    .where({ person_id: r13.id, help_type: 'TSR_DIAPERS' })
    .update({
      status: 'activation_pending',
      notified_at: knex.raw(`now() - interval '80 days'`),
      choice_blocked_at: knex.raw(`now() - interval '19 days'`),
      activation_requested_at: knex.raw(`now() - interval '3 days'`),
    })
    .returning(['id', 'external_id', 'help_type', 'choice_blocked_at', 'activation_requested_at'])) as {
    id: number;
    external_id: string;
    help_type: string;
    choice_blocked_at: Date;
    activation_requested_at: Date;
  }[];
  if (!pending) return;
  await knex('outbox').insert({
    system: 'esobes',
    topic: 'supplier-choice-activation',
    idempotency_key: `ipr-measure:${pending.id}:activation:seed`,
    payload: JSON.stringify({
      measureExternalId: pending.external_id,
      iprExternalId: 'ESOBES-IPR-R13',
      iin: r13.iin,
      helpType: pending.help_type,
      choiceBlockedAt: pending.choice_blocked_at.toISOString(),
      requestedAt: pending.activation_requested_at.toISOString(),
      requestedByIin: r13.iin,
      byLegalRepresentative: false,
    }),
  });
}
