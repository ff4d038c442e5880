import type { Knex } from 'knex';
import { migrationsCurrent } from '../../db/migrator.js';
import type { TrustStore } from '../../eds/index.js';

export class HealthService {
  constructor(
    private readonly db: Knex,
    private readonly trust: TrustStore,
  ) {}

  /** Ready when the database answers and every migration has run. */
  async ready(): Promise<{ ok: boolean; database: boolean; migrations: boolean }> {
    let database = false;
    let migrations = false;
    try {
      await this.db.raw('select 1');
      database = true;
      migrations = await migrationsCurrent(this.db);
    } catch {
      // reported as not ready
    }
    return { ok: database && migrations, database, migrations };
  }

  trustHealth() {
    return this.trust.health();
  }
}
