import { DateTime } from 'luxon';
import { ASTANA_ZONE } from '../../lib/clock.js';

/** 'YYYY-MM-DDTHH:mm' (an <input type="datetime-local">) read as Astana wall-clock time. */
export function parseAstanaLocal(value: string | undefined | null): Date | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const d = DateTime.fromISO(value, { zone: ASTANA_ZONE });
  return d.isValid ? d.toJSDate() : null;
}

/** An instant as the value of an <input type="datetime-local"> in Astana time. */
export function toAstanaLocalInput(d: Date | null | undefined): string {
  if (!d) return '';
  return DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toFormat("yyyy-MM-dd'T'HH:mm");
}

/** dd.MM.yyyy HH:mm in Astana: how notices quote times in SMS and e-mail. */
export function formatAstana(d: Date): string {
  return DateTime.fromJSDate(d).setZone(ASTANA_ZONE).toFormat('dd.MM.yyyy HH:mm');
}

/** A 'YYYY-MM-DD' calendar date, or null. */
export function parseIsoDate(value: string | undefined | null): string | null {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  return DateTime.fromISO(value).isValid ? value : null;
}
