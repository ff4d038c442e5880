import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UploadedFile } from '../../src/lib/uploaded-file.js';

/**
 * A file as the upload parser hands it to a service (a temporary file with its hash), for tests that
 * call a service directly.
 */
export function uploadedFile(
  content: Buffer,
  fieldname: string,
  originalname: string,
  mimetype: string,
): UploadedFile {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-upload-'));
  const p = path.join(dir, 'file.part');
  fs.writeFileSync(p, content);
  return {
    fieldname,
    originalname,
    mimetype,
    size: content.length,
    path: p,
    sha256: crypto.createHash('sha256').update(content).digest('hex'),
  };
}
