/**
 * The administrator's registry of sanatoriums and the report of places (offered, booked, used per
 * region and month); the public list of free places per sanatorium and period (no login).
 */
import type { CoreServices } from '../index.js';
import { astanaDate } from '../../lib/clock.js';
import type { SanatoriumRepository } from './repository.js';
import { accessibilityOf, periodView } from './order-service.js';

export class SanatoriumReportsService {
  constructor(
    private readonly core: CoreServices,
    private readonly repo: SanatoriumRepository,
  ) {}

  async registry() {
    return this.repo.registry(this.core.db);
  }

  /** Rows per region and month, and the bars of the chart (heights relative to the largest offer). */
  async report() {
    const rows = await this.repo.report(this.core.db);
    const max = Math.max(1, ...rows.map((r) => r.offered));
    return {
      rows,
      totals: rows.reduce(
        (a, r) => ({ offered: a.offered + r.offered, booked: a.booked + r.booked, used: a.used + r.used }),
        { offered: 0, booked: 0, used: 0 },
      ),
      chart: rows.map((r, i) => ({
        ...r,
        x: 40 + i * 90,
        offeredH: Math.round((r.offered / max) * 160),
        bookedH: Math.round((r.booked / max) * 160),
        usedH: Math.round((r.used / max) * 160),
      })),
      chartWidth: 60 + rows.length * 90,
    };
  }

  /** Free places per sanatorium and coming period, for everybody. */
  async freePlaces() {
    const guaranteed = await this.repo.guaranteedTiyn(this.core.db);
    const rows = await this.repo.search(this.core.db, { from: astanaDate(this.core.clock.now()) });
    return rows.map((r) => ({
      ...periodView(r, guaranteed),
      sanatorium: {
        name: r.name,
        region: r.region,
        locality: r.locality,
        profiles: r.profiles,
        accessibility: accessibilityOf(r),
      },
    }));
  }
}
