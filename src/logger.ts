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

export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'portal' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type Logger = pino.Logger;
