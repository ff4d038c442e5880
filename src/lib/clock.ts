import { DateTime, IANAZone } from 'luxon';

/**
 * An IANA zone whose UTC offsets are remembered per quarter of an hour. Luxon asks Intl for the offset
 * of every DateTime it creates in a named zone (formatToParts), which was a tenth of a page's time.
 * A quarter is remembered only when its start and its end have the same offset, so a transition inside
 * it (none of Astana's is) is still computed exactly.
 */
class RememberingZone extends IANAZone {
  private readonly offsets = new Map<number, number>();
  override offset(ts: number): number {
    const quarter = Math.floor(ts / 900_000);
    const hit = this.offsets.get(quarter);
    if (hit !== undefined) return hit;
    const start = super.offset(quarter * 900_000);
    if (start !== super.offset(quarter * 900_000 + 899_999)) return super.offset(ts);
    if (this.offsets.size > 100_000) this.offsets.clear();
    this.offsets.set(quarter, start);
    return start;
  }
}

/** Business dates and times are Astana's (UTC+5 since 2024-03-01; the IANA zone keeps the history). */
export const ASTANA_ZONE = new RememberingZone('Asia/Almaty');

/** The source of "now" for every rule with a deadline; tests replace it with a controllable one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ControllableClock implements Clock {
  private offsetMs = 0;
  private fixed: Date | null = null;
  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime() + this.offsetMs) : new Date(Date.now() + this.offsetMs);
  }
  set(d: Date): void {
    this.fixed = d;
    this.offsetMs = 0;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  reset(): void {
    this.fixed = null;
    this.offsetMs = 0;
  }
}

/** Calendar date (YYYY-MM-DD) in Astana for an instant. */
export function astanaDate(d: Date): string {
  return DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toISODate() ?? '';
}

export function astanaDateTime(d: Date): DateTime {
  return DateTime.fromJSDate(d).setZone(ASTANA_ZONE);
}
