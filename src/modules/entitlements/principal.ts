import type { Knex } from 'knex';
import { NotFoundError } from '../../lib/errors.js';
import type { Actor } from '../../lib/actor.js';
import type { PeopleRepository, PersonRow } from '../people/people-repository.js';

/**
 * The person whose records the actor works with: themselves, or a ward they are the guardian of.
 * Anything else answers 404 (the session is checked again on every request, not trusted).
 */
export async function principalOf(
  db: Knex | Knex.Transaction,
  people: PeopleRepository,
  actor: Actor,
): Promise<PersonRow> {
  if (actor.principalId !== actor.personId) {
    const guardian =
      actor.roles.includes('guardian') && (await people.isGuardianOf(db, actor.personId, actor.principalId));
    if (!guardian) throw new NotFoundError();
  }
  const person = await people.findById(db, actor.principalId);
  if (!person) throw new NotFoundError();
  return person;
}
