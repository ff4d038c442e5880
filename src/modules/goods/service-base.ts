import type { Knex } from 'knex';
import type { CoreServices } from '../index.js';
import type { GoodsRepository } from './goods-repository.js';

/** What every goods service holds: the core services and the goods repository. */
export abstract class GoodsServiceBase {
  constructor(
    protected readonly core: CoreServices,
    protected readonly repo: GoodsRepository,
  ) {}

  protected get db(): Knex {
    return this.core.db;
  }
}
