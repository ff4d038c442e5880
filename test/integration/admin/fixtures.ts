import { DateTime } from 'luxon';
import { ASTANA_ZONE } from '../../../src/lib/clock.js';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** The start of a JPEG (JFIF) file: enough for a content check. */
export const JPEG = Buffer.from([
  0xff,
  0xd8,
  0xff,
  0xe0,
  0,
  0x10,
  0x4a,
  0x46,
  0x49,
  0x46,
  0,
  1,
  1,
  0,
  0,
  1,
  0,
  1,
  0,
  0,
  ...Array<number>(40).fill(0),
]);

/** An MP4 file's header (an ftyp box of the isom brand): what a content check sees of a real MP4. */
export const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2mp41'),
  Buffer.alloc(64),
]);

/** A WebM file's EBML header with the webm doc type. */
export const WEBM = Buffer.concat([
  Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84]),
  Buffer.from('webm'),
  Buffer.alloc(32),
]);

export const VTT = Buffer.from('WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nНажмите «Войти».\n', 'utf8');

/** A text file dressed up as an image. */
export const FAKE_PNG = Buffer.from('<script>alert(1)</script> not really a picture', 'utf8');

/** An instant given as Astana wall-clock time. */
export const astana = (s: string): Date => DateTime.fromISO(s, { zone: ASTANA_ZONE }).toJSDate();

/** Rows of the first table with this id. */
export function tableRows(html: string, id: string): string[] {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  const body = /<tbody[^>]*>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}
