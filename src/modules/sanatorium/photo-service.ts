/**
 * Photos of a sanatorium (issue 17 item 1): its employees upload them (JPEG, PNG or WebP, the type
 * read from the content, at most as large as a photo of goods), each with an alternative text for
 * screen readers, and remove them; recipients see them beside the sanatorium's periods. Stored as the
 * photos of goods are: in the file store, in the transaction of the row.
 */
import { fileTypeFromFile } from 'file-type';
import type { CoreServices } from '../index.js';
import type { Actor } from '../../lib/actor.js';
import type { UploadedFile } from '../../lib/uploaded-file.js';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { inTransaction } from '../../db/knex.js';
import { audit } from '../audit/audit.js';
import type { StoredFile } from '../files/index.js';
import { PhotoStore } from '../goods/photo-store.js';
import { PHOTO_MAX_BYTES, checkPhoto } from '../goods/rules.js';
import type { SanatoriumRepository } from './repository.js';
import type { PhotoInput } from './schemas.js';

/** At most this many photos per sanatorium. */
export const PHOTOS_PER_SANATORIUM = 10;

export interface PhotoView {
  id: number;
  alt: string;
}

export class SanatoriumPhotoService {
  private readonly store: PhotoStore;

  constructor(
    private readonly core: CoreServices,
    private readonly repo: SanatoriumRepository,
  ) {
    this.store = new PhotoStore(core.files);
  }

  /** The employee's sanatorium (its organisation id); no sanatorium yet: the offer comes first. */
  private async ownSanatorium(actor: Actor): Promise<number> {
    if (!actor.organisationId) throw new NotFoundError();
    const org = await this.core.people.organisationById(this.core.db, actor.organisationId);
    if (!org) throw new NotFoundError();
    if (!org.directions.includes('sanatorium')) throw new AppError('sanatorium:errors.noDirection', 403);
    if (!(await this.repo.sanatorium(this.core.db, org.id)))
      throw new AppError('sanatorium:errors.offerFirst', 409);
    return org.id;
  }

  /** The photos of a sanatorium, in the order they were added. */
  async photosOf(organisationId: number): Promise<PhotoView[]> {
    return (await this.repo.photos(this.core.db, organisationId)).map((p) => ({ id: p.id, alt: p.alt }));
  }

  /** A new photo: checked before anything is written; the file and its row are stored together. */
  async upload(actor: Actor, input: PhotoInput, file: UploadedFile | undefined): Promise<void> {
    const orgId = await this.ownSanatorium(actor);
    if (!file) throw new ValidationError({ photo: 'sanatorium:errors.photoRequired' });
    const size = file.size;
    const detected =
      file.path && size > 0 && size <= PHOTO_MAX_BYTES ? await fileTypeFromFile(file.path) : undefined;
    const verdict = checkPhoto(size, detected?.mime);
    if (!verdict.ok) throw new ValidationError({ photo: `sanatorium:errors.${verdict.code}` });
    await inTransaction(this.core.db, async (tx) => {
      await this.repo.lockSanatorium(tx, orgId);
      if ((await this.repo.countPhotos(tx, orgId)) >= PHOTOS_PER_SANATORIUM)
        throw new ValidationError({ photo: 'sanatorium:errors.photoLimit' });
      const stored = await this.store.save(tx, file, verdict.mime);
      const p = await this.repo.insertPhoto(tx, {
        organisation_id: orgId,
        stored_name: stored,
        content_type: verdict.mime,
        size_bytes: size,
        alt: input.alt,
        created_at: this.core.clock.now(),
      });
      await audit(tx, {
        actorId: actor.personId,
        organisationId: orgId,
        action: 'sanatorium.photo_added',
        objectType: 'sanatorium_photo',
        objectId: p.id,
      });
    });
  }

  /** Removes a photo of the employee's own sanatorium (another's answers 404) with its file. */
  async remove(actor: Actor, photoId: number): Promise<void> {
    if (!actor.organisationId) throw new NotFoundError();
    const orgId = actor.organisationId;
    await inTransaction(this.core.db, async (tx) => {
      const p = await this.repo.deletePhoto(tx, orgId, photoId);
      if (!p) throw new NotFoundError();
      await this.store.remove(tx, p.stored_name);
      await audit(tx, {
        actorId: actor.personId,
        organisationId: orgId,
        action: 'sanatorium.photo_removed',
        objectType: 'sanatorium_photo',
        objectId: photoId,
      });
    });
  }

  /** A photo to show: anyone signed in, while the sanatorium is on offer; otherwise its own employees. */
  async photoFile(actor: Actor, photoId: number): Promise<{ file: StoredFile; contentType: string }> {
    const p = await this.repo.photo(this.core.db, photoId);
    if (!p) throw new NotFoundError();
    if (!p.offered && p.organisation_id !== actor.organisationId) throw new NotFoundError();
    const file = await this.store.open(p.stored_name);
    if (!file) throw new NotFoundError();
    return { file, contentType: p.content_type };
  }
}
