import type { Actor } from '../../lib/actor.js';
import { NotFoundError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import { GoodsServiceBase } from './service-base.js';

/** The administrator's registries: ТСР kinds with their guaranteed sums, and suppliers with their directions. */
export class GoodsAdminService extends GoodsServiceBase {
  /** The ТСР kinds as the registry page lists them. */
  async tsrKinds() {
    return (await this.repo.tsrKinds(this.db)).map((k) => ({
      code: k.code,
      names: { ru: k.name_ru, kk: k.name_kk, en: k.name_en },
      guaranteedTiyn: k.guaranteed_sum_tiyn,
      accompanyingService: k.accompanying_service,
      active: k.active,
    }));
  }

  async tsrKind(code: string) {
    const k = await this.repo.tsrKind(this.db, code);
    if (!k) throw new NotFoundError();
    return k;
  }

  /** A new guaranteed sum applies to orders created from now on; signed orders keep theirs. */
  async updateTsrKind(
    actor: Actor,
    code: string,
    input: { guaranteedSum: number; accompanyingService: boolean; active: boolean },
  ) {
    await inTransaction(this.db, async (tx) => {
      const before = await this.repo.tsrKind(tx, code);
      if (!before) throw new NotFoundError();
      await this.repo.updateTsrKind(tx, code, {
        guaranteed_sum_tiyn: input.guaranteedSum,
        accompanying_service: input.accompanyingService,
        active: input.active,
      });
      await audit(tx, {
        actorId: actor.personId,
        action: 'admin.tsr_kind_updated',
        objectType: 'help_type',
        objectId: code,
        details: {
          guaranteedSumTiyn: { from: before.guaranteed_sum_tiyn, to: input.guaranteedSum },
          active: input.active,
        },
      });
    });
  }

  suppliers() {
    return this.repo.organisations(this.db);
  }

  async supplier(id: number) {
    if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError();
    const o = await this.core.people.organisationById(this.db, id);
    if (!o) throw new NotFoundError();
    return o;
  }
}
