/**
 * The sanatorium's own offer: an organisation with the sanatorium direction publishes its sanatorium
 * (location, medical profiles, description, accessibility) and its arrival periods («заезды») with
 * places and prices. Another organisation's offer does not exist for the employee.
 */
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { astanaDate } from '../../lib/clock.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import type { SanatoriumRepository, SanatoriumRow } from './repository.js';
import type { OfferInput, PeriodInput } from './schemas.js';
import { accessibilityOf, periodView } from './order-service.js';

export class SanatoriumOfferService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: SanatoriumRepository,
  ) {}

  /** The employee's organisation, when it has the sanatorium direction. */
  private async organisation(actor: Actor) {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.core.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    if (!org.directions.includes('sanatorium')) throw new AppError('sanatorium:errors.noDirection', 403);
    return org;
  }

  /** The editor: the sanatorium (or the organisation's data as a start) and its periods. */
  async own(actor: Actor) {
    const org = await this.organisation(actor);
    const s = await this.repo.sanatorium(this.core.db, org.id);
    const guaranteed = await this.repo.guaranteedTiyn(this.core.db);
    const periods = s ? await this.repo.periods(this.core.db, org.id) : [];
    return {
      organisation: { id: org.id, name: org.name, bin: org.bin },
      exists: Boolean(s),
      values: s
        ? { ...s, accessibility: accessibilityOf(s), published: s.published }
        : {
            name: org.name,
            region: org.region,
            locality: org.locality,
            address: [org.address?.street, org.address?.house].filter(Boolean).join(', '),
            profiles: [],
            description: '',
            accessibility: [],
            published: false,
          },
      periods: periods.map((p) => ({
        ...periodView(p, guaranteed),
        booked: p.booked,
        companionBooked: p.companion_booked,
      })),
      guaranteedTiyn: guaranteed,
    };
  }

  async save(actor: Actor, input: OfferInput): Promise<void> {
    const org = await this.organisation(actor);
    const row: SanatoriumRow = {
      organisation_id: org.id,
      name: input.name,
      region: input.region,
      locality: input.locality,
      address: input.address,
      profiles: input.profiles,
      description: input.description,
      wheelchair: input.accessibility.includes('wheelchair'),
      lift: input.accessibility.includes('lift'),
      adapted_rooms: input.accessibility.includes('adapted_rooms'),
      sign_language: input.accessibility.includes('sign_language'),
      published: input.published,
    };
    await inTransaction(this.core.db, async (tx) => {
      await this.repo.saveSanatorium(tx, row);
      await audit(tx, {
        actorId: actor.personId,
        organisationId: org.id,
        action: 'sanatorium.saved',
        objectType: 'organisation',
        objectId: org.id,
      });
    });
  }

  async addPeriod(actor: Actor, input: PeriodInput): Promise<number> {
    const org = await this.organisation(actor);
    if (!(await this.repo.sanatorium(this.core.db, org.id)))
      throw new AppError('sanatorium:errors.offerFirst', 409);
    if (input.startsOn <= astanaDate(this.core.clock.now()))
      throw new ValidationError({ startsOn: 'sanatorium:errors.startsOnPast' });
    return inTransaction(this.core.db, async (tx) => {
      const id = await this.repo.insertPeriod(tx, {
        organisation_id: org.id,
        starts_on: input.startsOn,
        days: input.days,
        places: input.places,
        companion_places: input.companionPlaces,
        price_tiyn: input.price,
        companion_price_tiyn: input.companionPrice,
      });
      await audit(tx, {
        actorId: actor.personId,
        organisationId: org.id,
        action: 'sanatorium.period_added',
        objectType: 'sanatorium_period',
        objectId: id,
      });
      return id;
    });
  }
}
