import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AppError } from '../lib/errors.js';
import type { UploadedFile } from '../lib/uploaded-file.js';
import {
  MAX_CAPTIONS_BYTES,
  MAX_SCREENSHOT_BYTES,
  MAX_SCREENSHOTS,
  MAX_VIDEO_BYTES,
} from '../modules/admin/uploads.js';
import { MAX_ACT_BYTES } from '../modules/specialist-services/rules.js';
import { PHOTO_MAX_BYTES } from '../modules/goods/rules.js';
import { DOC_MAX_BYTES } from '../modules/offer/rules.js';
import type { StoredFile } from '../modules/files/index.js';

/**
 * Multipart bodies are parsed only on the routes below, each with its own limits, after the session,
 * the role and the CSRF token (in the form's action URL) have been checked. A multipart POST anywhere
 * else is refused before a byte of its body is read. Files stream to a temporary folder under the
 * data folder, never into memory, and are deleted when the response ends; a service that keeps one
 * streams it from there into the file store (PostgreSQL) in the transaction of its row.
 */
export interface UploadLimits {
  /** the route, as the router lists it */
  route: string;
  /** each file field: how many files it takes and how large each may be */
  files: Record<string, { count: number; bytes: number }>;
  /** text fields (with `_csrf`) */
  fields: number;
  /** bytes of one text field */
  fieldBytes: number;
}

const KIB = 1024;
/** part headers and boundaries: a few hundred bytes a part, generously */
const OVERHEAD_BYTES = 64 * KIB;

export const UPLOADS = {
  supportScreenshots: {
    route: 'POST /support/new',
    files: { screenshots: { count: MAX_SCREENSHOTS, bytes: MAX_SCREENSHOT_BYTES } },
    fields: 8,
    // description ≤ 4,000 characters, 2 bytes each in Cyrillic, line breaks as CR LF
    fieldBytes: 16 * KIB,
  },
  /** the public form of a request without login (the same screenshots, name and contact besides) */
  publicSupportScreenshots: {
    route: 'POST /support/report',
    files: { screenshots: { count: MAX_SCREENSHOTS, bytes: MAX_SCREENSHOT_BYTES } },
    fields: 8,
    fieldBytes: 16 * KIB,
  },
  contentMedia: {
    route: 'POST /admin/content/:id/media',
    files: {
      video: { count: 1, bytes: MAX_VIDEO_BYTES },
      captions_ru: { count: 1, bytes: MAX_CAPTIONS_BYTES },
      captions_kk: { count: 1, bytes: MAX_CAPTIONS_BYTES },
      captions_en: { count: 1, bytes: MAX_CAPTIONS_BYTES },
    },
    fields: 4,
    fieldBytes: KIB,
  },
  goodsPhoto: {
    route: 'POST /supplier/goods/:id/photos',
    files: { photo: { count: 1, bytes: PHOTO_MAX_BYTES } },
    fields: 4,
    fieldBytes: KIB,
  },
  actScan: {
    route: 'POST /specialist/acts/orders/:id/send',
    files: { file: { count: 1, bytes: MAX_ACT_BYTES } },
    fields: 6,
    fieldBytes: KIB,
  },
  organisationDocument: {
    route: 'POST /supplier/documents',
    files: { file: { count: 1, bytes: DOC_MAX_BYTES } },
    fields: 10,
    fieldBytes: KIB,
  },
  /** a photo of the sanatorium with its alternative text (issue 17 item 1) */
  sanatoriumPhoto: {
    route: 'POST /sanatorium-cabinet/photos',
    files: { photo: { count: 1, bytes: PHOTO_MAX_BYTES } },
    fields: 4,
    // the alternative text: ≤ 300 characters, 2 bytes each in Cyrillic
    fieldBytes: 2 * KIB,
  },
} satisfies Record<string, UploadLimits>;

/** The largest body a route takes: every file at its largest, every field full, the part headers. */
export function totalBytesOf(l: UploadLimits): number {
  const files = Object.values(l.files).reduce((n, f) => n + f.count * f.bytes, 0);
  return files + l.fields * l.fieldBytes + OVERHEAD_BYTES;
}

/** The largest body the portal takes anywhere; nginx's client_max_body_size agrees (a test checks). */
export const MAX_BODY_BYTES = Math.max(...Object.values(UPLOADS).map(totalBytesOf));

const matchers = Object.values(UPLOADS).map((l: UploadLimits) => {
  const [method, pattern] = l.route.split(' ') as [string, string];
  const re = new RegExp(`^${pattern.replace(/:[A-Za-z]+/g, '[^/]+')}/?$`);
  return (req: Request) => req.method === method && re.test(req.path);
});

/** Whether a request goes to a route that takes files (the CSRF layer refuses multipart elsewhere). */
export function takesUploads(req: Request): boolean {
  return matchers.some((m) => m(req));
}

/** The files of a request parsed by `acceptUploads` (none for any other request). */
export function uploadsOf(req: Request): UploadedFile[] {
  return (req as Request & { uploads?: UploadedFile[] }).uploads ?? [];
}

/** Browsers send UTF-8 file names; busboy reads them as latin1 unless told otherwise. */
function utf8Name(name: string): string {
  if ([...name].some((c) => c.charCodeAt(0) > 0xff)) return name;
  const decoded = Buffer.from(name, 'latin1').toString('utf8');
  return decoded.includes('\uFFFD') ? name : decoded;
}

const STALE_MS = 60 * 60_000;

/** Temporary uploads older than an hour (a process killed mid-upload) are removed at start. */
function sweep(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    try {
      if (now - fs.statSync(p).mtimeMs > STALE_MS) fs.rmSync(p, { force: true });
    } catch {
      // another instance removed it first
    }
  }
}

/** Where uploads wait while the request is handled: DATA_DIR/tmp/uploads. */
export function uploadTempDir(dataDir: string): string {
  return path.join(dataDir, 'tmp', 'uploads');
}

const swept = new Set<string>();

/** How long, and how much, of a body refused before it is read is still read and dropped. */
const DROP_MS = 5_000;
const DROP_BYTES = 64 * 1024 * 1024;

/**
 * A body refused by its declared length, before it is read: the answer goes at once, and the rest of
 * the body is read and dropped for a short while (at most DROP_MS and DROP_BYTES) before the connection
 * closes, as nginx's lingering close does. Closing at once resets a connection the sender is still
 * writing to, and the reset can reach it before the answer does: the person would see "connection
 * reset" instead of the page that says the file is too large. A body that ends within the bounds leaves
 * the connection open for the next request.
 */
function dropThenClose(req: Request): void {
  let dropped = 0;
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.socket.off('close', stop);
  };
  const close = () => {
    stop();
    req.socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DROP_BYTES) close();
  };
  const timer = setTimeout(close, DROP_MS);
  timer.unref();
  req.on('data', onData);
  req.once('end', stop);
  req.socket.once('close', stop);
  req.resume();
}

/**
 * Refuses at once, with 413, a body of one of `limits`' types whose declared length is over its limit:
 * the body parsers refuse such a body too, but only once the whole declared body has arrived, so a
 * sender that declares a gigabyte and sends three bytes held the connection until node's request
 * timeout (five minutes). The rest is dropped as for a refused upload (dropThenClose).
 */
export function refuseDeclaredOver(limits: { type: string; bytes: number }[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    const limit = declared > 0 ? limits.find((l) => req.is(l.type)) : undefined;
    if (limit && declared > limit.bytes) {
      dropThenClose(req);
      return next(new AppError('too_large', 413));
    }
    next();
  };
}

/**
 * The upload parser of one route. Put it after the route's role check. It refuses with 413 a body
 * declared or found larger than the route's total, more text fields or files than the form has, or a
 * text field over its size; a file over its field's size or beyond its field's count is not kept and
 * is listed for the form to explain. Not multipart (an empty form): passes with no files.
 */
export function acceptUploads(dataDir: string, limits: UploadLimits): RequestHandler {
  const dir = uploadTempDir(dataDir);
  if (!swept.has(dir)) {
    sweep(dir);
    swept.add(dir);
  }
  const total = totalBytesOf(limits);
  const maxFiles = Object.values(limits.files).reduce((n, f) => n + f.count, 0);
  const maxFileBytes = Math.max(...Object.values(limits.files).map((f) => f.bytes));

  return (req: Request, res: Response, next: NextFunction): void => {
    (req as Request & { uploads?: UploadedFile[] }).uploads = [];
    if (!req.is('multipart/form-data')) return next();
    const refuse = (code: string) => new AppError(code, 413, { mb: Math.floor(total / 1024 / 1024) });
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > total) {
      dropThenClose(req);
      return next(refuse('upload_too_large'));
    }

    const temps: string[] = [];
    const removeTemps = () => {
      for (const t of temps) fs.rm(t, { force: true }, () => undefined);
    };
    res.once('close', removeTemps);

    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: {
          fieldNameSize: 100,
          fieldSize: limits.fieldBytes,
          fields: limits.fields,
          // one file beyond the form's number, so that the form can say "at most N"
          files: maxFiles + 1,
          fileSize: maxFileBytes + 1,
          parts: limits.fields + maxFiles + 1,
          headerPairs: 20,
        },
      });
    } catch {
      return next(new AppError('bad_request', 400));
    }

    const fields: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    const writing: Promise<void>[] = [];
    const open = new Set<fs.WriteStream>();
    let received = 0;
    let settled = false;
    let parsed = false;

    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      bb.removeAllListeners();
      bb.on('error', () => undefined);
      for (const s of open) s.destroy();
      removeTemps();
      // the rest of the body is read and dropped; without a declared length the connection closes
      if (!req.headers['content-length']) res.setHeader('Connection', 'close');
      req.resume();
      next(err);
    };

    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > total) fail(refuse('upload_too_large'));
    };
    req.on('data', onData);
    req.once('aborted', () => fail(new AppError('upload_failed', 400)));

    const counts: Record<string, number> = {};
    bb.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) return fail(refuse('upload_field_too_large'));
      const prev = fields[name];
      fields[name] = prev === undefined ? value : ([] as string[]).concat(prev, value);
    });
    bb.on('fieldsLimit', () => fail(refuse('upload_too_many_fields')));
    bb.on('filesLimit', () => fail(refuse('upload_too_many_files')));
    bb.on('partsLimit', () => fail(refuse('upload_too_many_fields')));

    bb.on('file', (name: string, stream: Readable & { truncated?: boolean }, info) => {
      const field = limits.files[name];
      counts[name] = (counts[name] ?? 0) + 1;
      const file: UploadedFile = {
        fieldname: name,
        originalname: utf8Name(info.filename ?? ''),
        mimetype: info.mimeType,
        size: 0,
        path: null,
        sha256: '',
      };
      files.push(file);
      const keep = field !== undefined && counts[name]! <= field.count;
      if (!keep) {
        // a field the form does not have, or one file too many: counted, not kept
        stream.on('data', (c: Buffer) => (file.size += c.length));
        return;
      }
      const tmp = path.join(dir, `${crypto.randomUUID()}.part`);
      temps.push(tmp);
      const out = fs.createWriteStream(tmp, { flags: 'wx', mode: 0o600 });
      open.add(out);
      const hash = crypto.createHash('sha256');
      let over = false;
      stream.on('data', (c: Buffer) => {
        file.size += c.length;
        if (over) return;
        if (file.size > field.bytes) {
          // over the field's size: stop keeping it, the form says it is too large
          over = true;
          stream.unpipe(out);
          out.destroy();
          fs.rm(tmp, { force: true }, () => undefined);
          stream.resume();
          return;
        }
        hash.update(c);
      });
      stream.pipe(out);
      writing.push(
        new Promise<void>((resolve) => {
          const done = () => {
            open.delete(out);
            resolve();
          };
          out.once('close', done);
          out.once('error', (err) => {
            if (!over) fail(new AppError('upload_failed', 500));
            void err;
            done();
          });
          stream.once('end', () => {
            if (over) return;
            file.path = tmp;
            file.sha256 = hash.digest('hex');
          });
        }),
      );
    });

    bb.once('error', () => fail(new AppError('upload_failed', 400)));
    bb.once('close', () => {
      if (settled || parsed) return;
      parsed = true;
      void Promise.all(writing).then(() => {
        if (settled) return;
        settled = true;
        req.off('data', onData);
        req.body = fields;
        (req as Request & { uploads?: UploadedFile[] }).uploads = files;
        next();
      });
    });
    req.pipe(bb);
  };
}

/**
 * Streams a stored file (src/modules/files) as `res.sendFile` served the files on disk: the headers
 * given (type, disposition, caching), the length, an ETag of the content's SHA-256, Last-Modified,
 * a conditional GET answered 304, and one byte range (`Range: bytes=a-b`, for video) answered 206.
 * Bytes come from the database a chunk at a time; a client that goes away stops the reading.
 */
export function sendStoredFile(
  req: Request,
  res: Response,
  file: StoredFile,
  headers: Record<string, string>,
): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  const etag = `"${file.sha256}"`;
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('ETag', etag);
  res.setHeader('Last-Modified', file.createdAt.toUTCString());
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  let range: { start: number; end: number } | undefined;
  const asked = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
  if (asked && (asked[1] || asked[2]) && file.size > 0) {
    const start = asked[1] ? Number(asked[1]) : Math.max(0, file.size - Number(asked[2]));
    const end = asked[1] && asked[2] ? Math.min(Number(asked[2]), file.size - 1) : file.size - 1;
    if (start > end || start >= file.size) {
      res.setHeader('Content-Range', `bytes */${file.size}`);
      res.status(416).end();
      return;
    }
    range = { start, end };
    res.status(206);
    res.setHeader('Content-Range', `bytes ${start}-${end}/${file.size}`);
  }
  res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : file.size));
  if (req.method === 'HEAD' || file.size === 0) {
    res.end();
    return;
  }
  const body = file.read(range);
  body.once('error', () => res.destroy());
  res.once('close', () => body.destroy());
  body.pipe(res);
}
