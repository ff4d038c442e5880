import pino from 'pino';

/** Paths never written to logs: secrets, keys, codes and personal identifiers. */
export const REDACT_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'iin',
  '*.iin',
  'code',
  '*.code',
  'signedXml',
  '*.signedXml',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
];

/**
 * Standard output is written asynchronously (lines written while a write is in flight go out together
 * in the next one): a synchronous write per line was a tenth of a page's time under load. Pino flushes
 * what is pending when the process exits.
 */
export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'portal' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export type Logger = pino.Logger;
