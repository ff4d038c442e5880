import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { fileTypeFromFile } from 'file-type';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import type { FileStore as StoredFiles, StoredFile } from '../files/index.js';

export type { UploadedFile };

export const MAX_SCREENSHOT_BYTES = 5 * 1024 * 1024;
export const MAX_SCREENSHOTS = 5;
export const MAX_VIDEO_BYTES = 25 * 1024 * 1024;
export const MAX_CAPTIONS_BYTES = 512 * 1024;

/** PNG or JPEG, judged by the bytes (never by the name or the browser's claim). */
export async function detectImage(
  file: UploadedFile,
): Promise<{ mime: 'image/png' | 'image/jpeg'; ext: 'png' | 'jpg' } | null> {
  if (!file.path) return null;
  const t = await fileTypeFromFile(file.path);
  if (t?.mime === 'image/png') return { mime: 'image/png', ext: 'png' };
  if (t?.mime === 'image/jpeg') return { mime: 'image/jpeg', ext: 'jpg' };
  return null;
}

/** MP4 or WebM, judged by the bytes. */
export async function detectVideo(
  file: UploadedFile,
): Promise<{ mime: 'video/mp4' | 'video/webm'; ext: 'mp4' | 'webm' } | null> {
  if (!file.path) return null;
  const t = await fileTypeFromFile(file.path);
  if (!t) return null;
  if (t.mime === 'video/webm') return { mime: 'video/webm', ext: 'webm' };
  if (t.ext === 'mp4' || t.ext === 'm4v') return { mime: 'video/mp4', ext: 'mp4' };
  return null;
}

/**
 * WebVTT captions: UTF-8 text starting with "WEBVTT" (after an optional byte-order mark), followed by
 * a space, a tab or a line break, with at least one cue timing line.
 */
export function isWebVtt(buf: Buffer): boolean {
  if (buf.includes(0)) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return false;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!/^WEBVTT(?:[ \t\r\n]|$)/.test(text)) return false;
  return /(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}[ \t]+-->[ \t]+(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}/.test(text);
}

const STORED_NAME = /^[0-9a-f-]{36}\.(png|jpg|mp4|webm|vtt)$/;

/**
 * Media and support screenshots in the file store (PostgreSQL), by generated names only, written and
 * removed in the transaction of the row that names them.
 */
export class FileStore {
  constructor(private readonly files: StoredFiles) {}

  /** Stores an upload (checked already) under a generated name and returns the name. */
  async save(tx: Knex.Transaction, ext: string, mime: string, file: UploadedFile): Promise<string> {
    if (!file.path) throw new Error('the upload was not kept');
    const name = `${crypto.randomUUID()}.${ext}`;
    await this.files.put(tx, { path: file.path }, { name, contentType: mime });
    return name;
  }

  /** The stored file; null for any name this store could not have made, or one not stored. */
  async open(name: string): Promise<StoredFile | null> {
    return STORED_NAME.test(name) ? this.files.find(name) : null;
  }

  async remove(tx: Knex.Transaction, name: string): Promise<void> {
    if (STORED_NAME.test(name)) await this.files.remove(tx, name);
  }
}
