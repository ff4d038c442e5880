import { DateTime } from 'luxon';

export const ASTANA_ZONE = 'Asia/Almaty';

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
