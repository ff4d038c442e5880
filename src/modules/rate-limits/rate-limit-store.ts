import type { Knex } from 'knex';

/** What a hit counter answers (express-rate-limit's ClientRateLimitInfo). */
export interface RateLimitInfo {
  totalHits: number;
  resetTime: Date;
}

/**
 * Rate-limit counters in PostgreSQL, so every app instance counts the same attempts. The shape is
 * express-rate-limit's Store; the web layer hands it to the limiter without this module knowing HTTP.
 */
export class PgRateLimitStore {
  private windowMs = 60_000;
  prefix = 'rl:';
  constructor(
    private readonly db: Knex,
    prefix?: string,
  ) {
    if (prefix) this.prefix = prefix;
  }
  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }
  async increment(key: string): Promise<RateLimitInfo> {
    const k = this.prefix + key;
    const { rows } = await this.db.raw<{ rows: { hits: number; reset_at: Date }[] }>(
      `insert into rate_limits (key, hits, reset_at) values (?, 1, now() + (? * interval '1 millisecond'))
       on conflict (key) do update set
         hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
         reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
       returning hits, reset_at`,
      [k, this.windowMs],
    );
    const row = rows[0]!;
    return { totalHits: row.hits, resetTime: new Date(row.reset_at) };
  }
  async decrement(key: string): Promise<void> {
    await this.db('rate_limits')
      .where({ key: this.prefix + key })
      .decrement('hits', 1);
  }
  async resetKey(key: string): Promise<void> {
    await this.db('rate_limits')
      .where({ key: this.prefix + key })
      .delete();
  }
}
