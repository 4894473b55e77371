import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../config';
import { requireUser } from '../../domain/access';
import { BadUserInputError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { ourWords } from '../../domain/validation';
import type { MediaStorage } from '../../uploads/storage';
import type { AuditService } from '../audit/audit.service';
import { findSeries } from '../catalog/catalog-access';
import { SeriesLicense } from '../catalog/license.entity';
import { isId, newId } from '../common/ids';
import { formatBytes } from '../media/upload.service';
import { LicenseDocument } from './license-document.entity';
import { isPdf, pdfFileName } from './pdf';

/** Where the download route is mounted: `/media/license-documents/<id>?expires&signature`. */
export const LICENSE_DOCUMENT_PATH = '/media/license-documents';

/**
 * Where a document's file is stored: its own, named after the document's id (never shared with
 * another document, whatever its bytes). Hashed because storage keys are hex digests.
 */
export const ownStorageKey = (documentId: string): string => `documents/${createHash('sha256').update(`license-document:${documentId}`).digest('hex')}.pdf`;

const fileNameSchema = z
  .string()
  .trim()
  .min(1, 'Give the file name.')
  .max(255, 'The file name must be at most 255 characters.')
  .refine((name) => !/[\p{Cc}/\\]/u.test(name), 'The file name must be a plain name (no folders).')
  // Bidi and other invisible format characters make a name read differently from what it is.
  .refine((name) => !/\p{Cf}/u.test(name), 'The file name must not contain invisible or direction-changing characters.')
  .refine((name) => !/^\.+$/.test(name), 'The file name must be more than dots.')
  .transform(pdfFileName);

/** A contract PDF to attach: its name as uploaded and its bytes (the raw request body). */
export interface LicenseDocumentUpload {
  fileName: string;
  bytes: Buffer;
}

/** Reason (`reason` beside `code` and `field`) of an attach refused because the license holds its most documents. */
export const LICENSE_DOCUMENTS_FULL = 'LICENSE_DOCUMENTS_FULL';

/**
 * An attach whose bytes are not in storage after this long died midway (a body is at most
 * LICENSE_DOCUMENT_MAX_BYTES, stored in seconds): the sweep removes its reservation and file, and it
 * stops counting towards the license's limit.
 */
export const UNFINISHED_ATTACH_MS = 15 * 60_000;

/** Why a file of `size` bytes is refused when at most `max` are allowed. */
/** Says the limit exactly (a rounded size of the file could read as equal to it). */
export const tooLarge = (max: number): string => `The file is larger than license documents may be: at most ${formatBytes(max)} (${max.toLocaleString('en')} bytes).`;

/**
 * Chain of title: the contract PDFs behind a series' license. The studio's owners and editors attach
 * and remove them; whoever may read the series' license (its studio, the operator's people) lists
 * them and gets signed, expiring download URLs. Partners never reach a license, so never a document.
 * Bytes are checked (a PDF by content, within the size limit) before anything is stored. A document
 * is reserved, then its file stored, then the reservation completed: a process killed in between
 * leaves only a reservation nothing reads, which `sweepUnfinished` clears with its file.
 */
export class LicenseDocumentService {
  constructor(
    private readonly audit: AuditService,
    private readonly storage: MediaStorage,
    private readonly config: Pick<Config, 'appSecret' | 'licenseDocuments'>,
  ) {}

  /** The documents of a series' license, oldest first; NOT_FOUND for a series the caller may not read. */
  async ofSeries(ctx: RequestContext, seriesId: string): Promise<LicenseDocument[]> {
    const series = await findSeries(ctx, seriesId, 'read');
    return ctx.em.find(LicenseDocument, { license: { series }, storedAt: { $ne: null } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  /**
   * Attaches a PDF to the license of a series. Refused with BAD_USER_INPUT naming the field
   * (`seriesId`, `fileName`, `file`) when the series has no license yet, the name is not a plain file
   * name, or the file is not a PDF (by its bytes), is empty or larger than `licenseDocuments.maxBytes`,
   * or (reason LICENSE_DOCUMENTS_FULL, field `seriesId`) the license already holds
   * `licenseDocuments.maxPerLicense` documents; nothing is stored then.
   */
  async attach(ctx: RequestContext, seriesId: string, upload: LicenseDocumentUpload): Promise<LicenseDocument> {
    const actor = requireUser(ctx);
    const name = fileNameSchema.safeParse(upload.fileName, { error: ourWords });
    if (!name.success) throw new BadUserInputError('fileName', name.error.issues[0]!.message);
    const fileName = name.data;
    const em = ctx.em.fork();
    const series = await findSeries(ctx, seriesId, 'write', em);
    const bytes = upload.bytes;
    if (bytes.length === 0) throw new BadUserInputError('file', 'The file is empty.');
    const max = this.config.licenseDocuments.maxBytes;
    if (bytes.length > max) throw new BadUserInputError('file', tooLarge(max));
    if (!isPdf(bytes)) throw new BadUserInputError('file', `"${fileName}" is not a PDF: license documents must be PDF files.`);
    const license = await em.findOne(SeriesLicense, { series });
    if (!license) throw new BadUserInputError('seriesId', 'This series has no license yet: set the license before attaching its documents.');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const id = newId();
    // One file per document, never shared: removing a document can only ever delete its own bytes,
    // so no attach of the same bytes (by any studio) races a removal.
    const storageKey = ownStorageKey(id);
    const maxPerLicense = this.config.licenseDocuments.maxPerLicense;
    // 1. Reserve, under the license's row lock so concurrent attaches cannot pass the limit together.
    await em.transactional(async (tx) => {
      const conn = tx.getConnection();
      const context = tx.getTransactionContext();
      await conn.execute(`select id from series_license where id = ? for update`, [license.id], 'all', context);
      const counted = (await conn.execute(
        `select count(*)::int as n from license_document where license_id = ? and (stored_at is not null or created_at > now() - (? || ' milliseconds')::interval)`,
        [license.id, String(UNFINISHED_ATTACH_MS)],
        'all',
        context,
      )) as Array<{ n: number }>;
      if (counted[0]!.n >= maxPerLicense) {
        throw new BadUserInputError('seriesId', `This license already has ${maxPerLicense} documents, the most a license may hold; remove one before attaching another.`).because(LICENSE_DOCUMENTS_FULL);
      }
      await conn.execute(
        `insert into license_document (id, license_id, file_name, size_bytes, sha256, storage_key, uploaded_by_id, created_at, stored_at) values (?, ?, ?, ?, ?, ?, ?, now(), null)`,
        [id, license.id, fileName, bytes.length, sha256, storageKey, actor.user.id],
        'all',
        context,
      );
    });
    // 2. The bytes (written whole and renamed into place: never a partial file under the key).
    // 3. Complete the reservation, audited, in one transaction.
    try {
      await this.storage.putBuffer(storageKey, bytes);
      await em.transactional(async (tx) => {
        await tx.getConnection().execute(`update license_document set stored_at = now() where id = ?`, [id], 'all', tx.getTransactionContext());
        this.audit.record(ctx, tx, {
          action: 'license.document_attached',
          organizationId: series.studio.id,
          subjectType: 'Series',
          subjectId: series.id,
          summary: { documentId: id, fileName, sizeBytes: bytes.length, sha256 },
        });
      });
    } catch (error) {
      // Undone as far as possible; what a crash leaves, the sweep clears.
      await this.discardReservation(ctx.em.fork(), id, storageKey).catch(() => undefined);
      throw error;
    }
    return em.findOneOrFail(LicenseDocument, id, { refresh: true });
  }

  /**
   * Clears attaches that never finished (their process died between reserving the document and
   * completing it): reservations older than `before`, and their files. Returns how many.
   */
  async sweepUnfinished(em: EntityManager, before: Date = new Date(Date.now() - UNFINISHED_ATTACH_MS)): Promise<number> {
    const rows = (await em.getConnection().execute(`select id::text as id, storage_key from license_document where stored_at is null and created_at < ?`, [before])) as Array<{ id: string; storage_key: string }>;
    for (const row of rows) await this.discardReservation(em, row.id, row.storage_key);
    return rows.length;
  }

  /** The file first, then the row: a row left by a failure here is swept again. */
  private async discardReservation(em: EntityManager, id: string, storageKey: string): Promise<void> {
    await this.storage.remove(storageKey);
    await em.getConnection().execute(`delete from license_document where id = ? and stored_at is null`, [id]);
  }

  /** Removes a document from its license (owners and editors of its studio), and its file. */
  async remove(ctx: RequestContext, documentId: string): Promise<string> {
    requireUser(ctx);
    const em = ctx.em.fork();
    const document = isId(documentId) ? await em.findOne(LicenseDocument, { id: documentId, storedAt: { $ne: null } }, { populate: ['license'] }) : null;
    if (!document) throw new NotFoundError('License document');
    // Another studio's document reads exactly like one that does not exist.
    const series = await findSeries(ctx, document.license.series.id, 'write', em).catch((error: unknown) => {
      throw error instanceof NotFoundError ? new NotFoundError('License document') : error;
    });
    await em.transactional(async (tx) => {
      // Of concurrent removals only one deletes the row and records it; the others find nothing, so the
      // chain-of-title audit never shows a document removed twice.
      if (!(await tx.nativeDelete(LicenseDocument, { id: document.id }))) throw new NotFoundError('License document');
      this.audit.record(ctx, tx, {
        action: 'license.document_removed',
        organizationId: series.studio.id,
        subjectType: 'Series',
        subjectId: series.id,
        summary: { documentId: document.id, fileName: document.fileName, sha256: document.sha256 },
      });
    });
    // Only the document's own file; a file stored under its content hash (before files were per
    // document) may be another document's too, so it stays.
    if (document.storageKey === ownStorageKey(document.id)) await this.storage.remove(document.storageKey);
    return document.id;
  }

  /** A signed path to download a document, valid for `licenseDocuments.urlTtlSeconds` from `now`. */
  downloadUrl(document: LicenseDocument, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.config.licenseDocuments.urlTtlSeconds;
    return `${LICENSE_DOCUMENT_PATH}/${document.id}?expires=${expires}&signature=${this.sign(document.id, expires)}`;
  }

  /**
   * The document a signed download URL names, or why not: `invalid` (tampered, incomplete),
   * `expired`, or `gone` (removed since it was signed).
   */
  async fromSignedUrl(ctx: Pick<RequestContext, 'em'>, documentId: string, expires: string | undefined, signature: string | undefined): Promise<LicenseDocument | 'invalid' | 'expired' | 'gone'> {
    const expiry = Number(expires);
    if (!isId(documentId) || !signature || !Number.isInteger(expiry)) return 'invalid';
    const expected = Buffer.from(this.sign(documentId, expiry));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
    if (expiry * 1000 < Date.now()) return 'expired';
    return (await ctx.em.findOne(LicenseDocument, { id: documentId, storedAt: { $ne: null } })) ?? 'gone';
  }

  private sign(documentId: string, expires: number): string {
    return createHmac('sha256', `license-document:${this.config.appSecret}`).update(`${documentId}|${expires}`).digest('base64url');
  }
}
