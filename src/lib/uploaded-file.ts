import fs from 'node:fs/promises';

/**
 * A file of a multipart form as the upload parser leaves it: streamed to a temporary file, never held
 * in memory. A file over its field's size, or beyond the number the field takes, is not kept
 * (`path` null) but still listed with the bytes that arrived, so that the form can say why it was
 * refused. The temporary file is deleted when the response ends; a service that keeps the file writes
 * it into the file store (`core.files.put`, src/modules/files) in the transaction of its row.
 */
export interface UploadedFile {
  fieldname: string;
  /** the name the browser gave (decoded as UTF-8) */
  originalname: string;
  /** what the browser claimed; never trusted, the content decides */
  mimetype: string;
  /** bytes received; over the field's limit when the file was too large */
  size: number;
  /** where the file waits, or null when it was not kept */
  path: string | null;
  /** SHA-256 of the content (hex), computed while it streamed in; empty when not kept */
  sha256: string;
}

/** The file's content, for the small files that are checked whole (captions); null when not kept. */
export async function readUpload(file: UploadedFile): Promise<Buffer | null> {
  return file.path ? fs.readFile(file.path) : null;
}

/**
 * @deprecated files are kept in the file store (src/modules/files), not on disk.
 * Moves a kept upload to its final place (a rename within the data folder; a copy across file
 * systems). Never overwrites: the destination must be a fresh name.
 */
export async function moveInto(file: UploadedFile, dest: string, mode = 0o600): Promise<void> {
  if (!file.path) throw new Error('the upload was not kept');
  try {
    await fs.link(file.path, dest);
    await fs.rm(file.path, { force: true });
  } catch (err) {
    // another file system, or one without hard links
    if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP'].includes(String((err as NodeJS.ErrnoException).code)))
      throw err;
    await fs.copyFile(file.path, dest, fs.constants.COPYFILE_EXCL);
  }
  await fs.chmod(dest, mode);
}
