import type { EntityManager } from '@mikro-orm/postgresql';
import { requireUser, roleRequired, rulesFor } from '../../domain/access';
import { OrganizationKind } from '../organization/organization.entity';
import { CATALOG_WRITERS } from '../catalog/catalog-access';
import { DomainError, ForbiddenError, NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { acceptText, hasVisibleText } from '../../domain/text-input';
import type { Config } from '../../config';
import type { AuditService } from '../audit/audit.service';
import { findEpisode, requireEpisodeAccess } from '../catalog/catalog-access';
import type { Episode } from '../catalog/episode.entity';
import { canTransition, transitionEpisode, transitionEpisodesInSql } from '../catalog/episode-lifecycle';
import { EpisodeUpload, UploadStatus } from './episode-upload.entity';
import { MediaRevision } from './media-revision.entity';
import { ACCEPTED_AUDIO, dubDurationMismatch } from './audio-tracks';
import { languageSchema, MAX_EPISODE_NUMBER } from '../catalog/catalog-validation';
import { ourWords } from '../../domain/validation';
import type { MediaReplacementService } from './media-replacement.service';
import { ACKNOWLEDGED_CANCELS_KEY, acknowledgedTerritories, acknowledgmentProblem, recordedAcknowledgment } from './media-replacement';

/**
 * Why an upload is refused, beside the domain codes (`UNAUTHENTICATED`, `FORBIDDEN`, `NOT_FOUND`,
 * `RATE_LIMITED`): what the file or its metadata break, then what a request breaks of the tus protocol
 * (headers, offsets, lengths). The upload endpoint gives each its HTTP status (uploads/upload-refusals.ts).
 */
export type UploadRefusal =
  | 'UPLOAD_METADATA_INVALID'
  | 'UPLOAD_LENGTH_REQUIRED'
  | 'UPLOAD_EMPTY'
  | 'UPLOAD_TOO_LARGE'
  | 'UPLOAD_TOO_LONG'
  | 'UPLOAD_TYPE_NOT_ACCEPTED'
  | 'UPLOAD_TYPE_MISMATCH'
  | 'UPLOAD_VIDEO_REQUIRED'
  | 'REPLACEMENT_CANCELS_REVIEW'
  | 'UPLOAD_DURATION_MISMATCH'
  | 'UPLOAD_LANGUAGE_INVALID'
  | 'UPLOAD_GONE'
  | 'TUS_RESUMABLE_UNSUPPORTED'
  | 'UPLOAD_HEADER_INVALID'
  | 'UPLOAD_LENGTH_INVALID'
  | 'UPLOAD_LENGTH_EXCEEDED'
  | 'UPLOAD_OFFSET_REQUIRED'
  | 'UPLOAD_OFFSET_INVALID'
  | 'UPLOAD_OFFSET_CONFLICT'
  | 'UPLOAD_CONTENT_TYPE_INVALID'
  | 'UPLOAD_EXTENSION_UNSUPPORTED'
  | 'UPLOAD_FINISHED'
  | 'UPLOAD_BUSY'
  | 'UPLOAD_METHOD_NOT_ALLOWED';

/** A refused upload: its reason, and words a person can read. The upload endpoint picks the HTTP status. */
export class UploadRefusedError extends DomainError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    readonly refusal: UploadRefusal,
    message: string,
  ) {
    super(message);
    this.because(refusal);
  }
}

/** The one list of accepted video formats: file extension → media types. `uploadPolicy` exposes it. */
export const ACCEPTED_VIDEO = {
  mp4: ['video/mp4'],
  mov: ['video/quicktime'],
  webm: ['video/webm'],
} as const;

/**
 * A file name is a plain name: at most this many characters, none of them a control character, a
 * bidirectional control (U+202E can make "gpj.mp4" display as "mp4.jpg") or a path separator.
 */
export const FILE_NAME_MAX_LENGTH = 255;
export const FILE_NAME_REFUSED_CHARACTERS = /[\p{Cc}\p{Bidi_Control}/\\]/u;

/** What an upload may be, for clients to check before sending (the server checks again). */
export interface UploadPolicyValues {
  /** Largest file, in bytes. */
  maxBytes: number;
  /** Longest file name, in characters (UTF-16 code units). */
  fileNameMaxLength: number;
  /** `FILE_NAME_REFUSED_CHARACTERS`' source, an ECMAScript regular expression for the `u` flag. */
  fileNameRefusedCharacters: string;
  acceptedTypes: string[];
  /** Lowercase, without the dot. */
  acceptedExtensions: string[];
  formats: Array<{ extension: string; mediaTypes: string[] }>;
  maxDurationSeconds: number;
  /** `MAX_EPISODE_NUMBER`: the bulk upload flags a file named for a higher episode. */
  maxEpisodeNumber: number;
  /** Accepted formats of a dub (an upload with `audioLanguage`). */
  dubFormats: Array<{ extension: string; mediaTypes: string[] }>;
}

export function uploadPolicy(config: Pick<Config, 'uploads'>): UploadPolicyValues {
  const formats = Object.entries(ACCEPTED_VIDEO).map(([extension, mediaTypes]) => ({ extension, mediaTypes: [...mediaTypes] }));
  return {
    maxBytes: config.uploads.maxBytes,
    fileNameMaxLength: FILE_NAME_MAX_LENGTH,
    fileNameRefusedCharacters: FILE_NAME_REFUSED_CHARACTERS.source,
    acceptedTypes: [...new Set(formats.flatMap((f) => f.mediaTypes))],
    acceptedExtensions: formats.map((f) => f.extension),
    formats,
    maxDurationSeconds: config.uploads.maxDurationSeconds,
    maxEpisodeNumber: MAX_EPISODE_NUMBER,
    dubFormats: Object.entries(ACCEPTED_AUDIO).map(([extension, mediaTypes]) => ({ extension, mediaTypes: [...mediaTypes] })),
  };
}

export interface NewUpload {
  id: string;
  size: number | undefined;
  metadata: Record<string, string | null | undefined>;
}

const SHA256 = /^[0-9a-f]{64}$/;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The Upload-Metadata header (`key base64,key`), its values decoded strictly. The tus library's own
 * decoding turns bytes that are not UTF-8 into U+FFFD and drops stray base64 bits, so a name could be
 * recorded as other than what was sent: a value must be canonical base64 of UTF-8 text, or the
 * creation is refused naming its key. The header's shape is the library's to check, before this runs.
 */
export function decodeUploadMetadata(header: string | null): Record<string, string | null> {
  const decoded: Record<string, string | null> = {};
  if (!header?.trim()) return decoded;
  for (const pair of header.split(',')) {
    const [key = '', value] = pair.split(' ');
    if (value === undefined) {
      decoded[key] = null;
      continue;
    }
    const bytes = Buffer.from(value, 'base64');
    if (bytes.toString('base64') !== value) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `Upload metadata ${key}: The value is not base64.`);
    try {
      decoded[key] = UTF8.decode(bytes);
    } catch {
      throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `Upload metadata ${key}: The value is not UTF-8 text once decoded from base64.`);
    }
  }
  return decoded;
}

/** A metadata value that is there to be read: absent, empty and invisible-only (hasVisibleText) are all not given. */
const given = (value: string | null | undefined): string | undefined => (value && hasVisibleText(value) ? value : undefined);

/** tus metadata is text from outside like any GraphQL argument: the same rule, or a 400 naming the key. */
export function acceptUploadMetadata(metadata: Record<string, string | null | undefined>): Record<string, string | null | undefined> {
  const accepted: Record<string, string | null | undefined> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const keyText = acceptText(key);
    if (!keyText.ok) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `An upload metadata key: ${keyText.problem}`);
    if (typeof value !== 'string') {
      accepted[keyText.text] = value;
      continue;
    }
    const text = acceptText(value);
    if (!text.ok) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `Upload metadata ${keyText.text}: ${text.problem}`);
    accepted[keyText.text] = text.text;
  }
  const cancels = accepted[ACKNOWLEDGED_CANCELS_KEY];
  const problem = typeof cancels === 'string' ? acknowledgmentProblem(cancels) : null;
  if (problem) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `Upload metadata ${ACKNOWLEDGED_CANCELS_KEY}: ${problem}`);
  return accepted;
}

/** An upload as its access check sees it. */
export interface UploadOwner {
  status: UploadStatus;
  studioId: string;
}

export class UploadService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: Config,
    private readonly replacement: MediaReplacementService,
  ) {}

  /**
   * Checks a new upload before anything is stored: who asks, for which episode, what file, how big,
   * how long. Returns the episode; throws UploadRefusedError (or UNAUTHENTICATED, FORBIDDEN, NOT_FOUND) otherwise.
   */
  async checkNewUpload(ctx: RequestContext, upload: NewUpload): Promise<Episode> {
    requireUser(ctx);
    const meta = upload.metadata;
    const episodeId = given(meta.episodeId);
    const fileName = given(meta.filename ?? meta.name);
    const fileType = given(meta.filetype ?? meta.type);
    if (!episodeId) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'Upload metadata must name the episode (episodeId).');
    if (!fileName) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'Upload metadata must give the file name (filename), in characters that show.');
    if (!fileType) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'Upload metadata must give the file type (filetype).');
    if (fileName.length > FILE_NAME_MAX_LENGTH || FILE_NAME_REFUSED_CHARACTERS.test(fileName)) {
      throw new UploadRefusedError('UPLOAD_METADATA_INVALID', `The file name must be a plain name of at most ${FILE_NAME_MAX_LENGTH} characters, without control characters, direction overrides or slashes.`);
    }
    // "\u200B.mp4" shows as an extension alone: the name before it must show too.
    const dot = fileName.lastIndexOf('.');
    if (!hasVisibleText(dot === -1 ? fileName : fileName.slice(0, dot))) {
      throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'Upload metadata must give the file name (filename) in characters that show, before its extension.');
    }
    const audioLanguage = meta.audioLanguage ? acceptAudioLanguage(meta.audioLanguage) : null;
    const extension = fileName.toLowerCase().split('.').pop() ?? '';
    const accepted = (audioLanguage ? ACCEPTED_AUDIO : ACCEPTED_VIDEO) as Record<string, readonly string[]>;
    const types = accepted[extension];
    if (!types) {
      throw new UploadRefusedError('UPLOAD_TYPE_NOT_ACCEPTED', audioLanguage ? `Only M4A, AAC, MP3 and WAV audio is accepted for a dub; "${fileName}" is not one.` : `Only MP4, MOV and WebM videos are accepted; "${fileName}" is not one.`);
    }
    if (!types.includes(fileType.toLowerCase())) {
      throw new UploadRefusedError('UPLOAD_TYPE_MISMATCH', `The file type ${fileType} does not match a .${extension} ${audioLanguage ? 'audio file' : 'video'} (expected ${types.join(' or ')}).`);
    }
    if (upload.size === undefined) throw new UploadRefusedError('UPLOAD_LENGTH_REQUIRED', 'Declare the file size (Upload-Length) when creating the upload.');
    if (upload.size > this.config.uploads.maxBytes) {
      throw new UploadRefusedError('UPLOAD_TOO_LARGE', `The file is ${formatBytes(upload.size)}; the limit is ${formatBytes(this.config.uploads.maxBytes)}.`);
    }
    if (upload.size === 0) throw new UploadRefusedError('UPLOAD_EMPTY', 'The file is empty.');
    if (meta.sha256 && !SHA256.test(meta.sha256)) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'The sha256 metadata must be 64 lowercase hex characters.');
    if (meta.duration) {
      const seconds = Number(meta.duration);
      if (!Number.isFinite(seconds) || seconds <= 0) throw new UploadRefusedError('UPLOAD_METADATA_INVALID', 'The duration metadata must be a number of seconds.');
      if (seconds > this.config.uploads.maxDurationSeconds) {
        throw new UploadRefusedError('UPLOAD_TOO_LONG', `Episodes may be at most ${this.config.uploads.maxDurationSeconds} seconds long; this one is ${Math.round(seconds)} seconds.`);
      }
    }
    let episode: Episode;
    try {
      episode = await findEpisode(ctx, episodeId, 'write');
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Episode', 'No such episode in your studio.');
      if (error instanceof ForbiddenError && error.reason === 'ROLE_REQUIRED') throw roleRequired(rulesFor(OrganizationKind.STUDIO, CATALOG_WRITERS), 'Only studio owners and editors can upload.');
      throw error;
    }
    if (audioLanguage) {
      // A dub is measured against the episode's video, so the video comes first.
      const media = episode.currentMedia ? await ctx.em.findOne(MediaRevision, episode.currentMedia.id) : null;
      if (!media) throw new UploadRefusedError('UPLOAD_VIDEO_REQUIRED', 'Upload the episode\'s video before its dubs: a dub must match the video\'s duration.');
      const mismatch = meta.duration ? dubDurationMismatch(Number(meta.duration), media.durationSeconds) : null;
      if (mismatch) throw new UploadRefusedError('UPLOAD_DURATION_MISMATCH', `Upload metadata duration: ${mismatch}`);
    }
    if (episode.currentMedia) await this.checkAcknowledgedReplacement(ctx, episode, fileName, meta[ACKNOWLEDGED_CANCELS_KEY], audioLanguage);
    return episode;
  }

  /**
   * A new video for an episode that has one replaces it, and a dub (reviewed material too) is added
   * or replaced, cancelling its reviews, approvals and live releases (`replacementCancels`, read from where the episode stands now): the upload must
   * acknowledge every territory it would cancel (`cancels` metadata), or it is refused before anything
   * is stored (REPLACEMENT_CANCELS_REVIEW). The same bytes again would cancel nothing, but at creation
   * they are not known yet: a client skips those itself. The acknowledgment is kept on the upload, and
   * the same check runs again when its video would become current (MediaService.process).
   */
  private async checkAcknowledgedReplacement(ctx: RequestContext, episode: Episode, fileName: string, acknowledgment: string | null | undefined, dubLanguage: string | null): Promise<void> {
    const refusal = await this.replacement.refusal(ctx.em, episode, fileName, acknowledgedTerritories(acknowledgment), dubLanguage);
    if (refusal) throw new UploadRefusedError('REPLACEMENT_CANCELS_REVIEW', refusal);
  }

  /**
   * Records an accepted upload; a draft episode shows it is uploading. A replacement keeps its
   * acknowledgment with what each territory stood to lose now (`recordedAcknowledgment`), checked
   * again in the same read: it covers that much and no loss that comes later.
   */
  async recordStarted(ctx: RequestContext, upload: NewUpload, episode: Episode): Promise<void> {
    const em = ctx.em.fork();
    const fileName = (upload.metadata.filename ?? upload.metadata.name)!;
    const territories = acknowledgedTerritories(upload.metadata[ACKNOWLEDGED_CANCELS_KEY]);
    // Nothing is at stake without a video: the acknowledgment covers no loss that comes while the file uploads.
    let acknowledgedCancels = recordedAcknowledgment(territories, []);
    if (episode.currentMedia) {
      const dubLanguage = upload.metadata.audioLanguage ? acceptAudioLanguage(upload.metadata.audioLanguage) : null;
      const checked = await this.replacement.check(em, episode, fileName, territories, dubLanguage);
      if (checked.refusal) throw new UploadRefusedError('REPLACEMENT_CANCELS_REVIEW', checked.refusal);
      acknowledgedCancels = checked.recorded;
    }
    const row = em.create(EpisodeUpload, {
      id: upload.id,
      episode: episode.id,
      uploadedBy: ctx.actor.kind === 'user' ? ctx.actor.user.id : null,
      fileName: (upload.metadata.filename ?? upload.metadata.name)!,
      fileType: (upload.metadata.filetype ?? upload.metadata.type)!.toLowerCase(),
      declaredSize: upload.size!,
      expectedSha256: upload.metadata.sha256 ?? null,
      audioLanguage: upload.metadata.audioLanguage ? acceptAudioLanguage(upload.metadata.audioLanguage) : null,
      acknowledgedCancels,
      status: UploadStatus.UPLOADING,
      createdAt: new Date(),
    });
    // A dub never moves the episode's status: its video is already there.
    if (!row.audioLanguage) await transitionEpisodesInSql(em, [episode.id], 'startUpload');
    this.audit.record(ctx, em, {
      action: 'media.upload_started',
      organizationId: episode.series.studio.id,
      subjectType: 'Episode',
      subjectId: episode.id,
      summary: { uploadId: row.id, fileName: row.fileName, size: row.declaredSize, ...(row.audioLanguage ? { audioLanguage: row.audioLanguage } : {}) },
    });
    await em.flush();
  }

  /**
   * A creation refused after it was recorded (its body, sent with the creation, broke a tus rule, or
   * the request failed while writing it): the caller never learned the upload's address, so the
   * upload is withdrawn — its row removed and the episode back where it stood — and the withdrawal
   * audited beside the start. No-op when the upload is not (or no longer) under way.
   */
  async withdrawStarted(ctx: RequestContext, uploadId: string): Promise<void> {
    await ctx.em.fork().transactional(async (em) => {
      const row = await em.findOne(EpisodeUpload, { id: uploadId, status: UploadStatus.UPLOADING }, { populate: ['episode', 'episode.series'] });
      if (!row) return;
      await this.settleEpisodeAfterUpload(em, row.episode, row.id, 'uploadAbandoned');
      em.remove(row);
      this.audit.record(ctx, em, { action: 'media.upload_withdrawn', organizationId: row.episode.series.studio.id, subjectType: 'Episode', subjectId: row.episode.id, summary: { uploadId } });
    });
  }

  /**
   * What `checkExistingUpload` decides on: the upload's status and the studio owning its episode, in
   * one statement. Reads no caller, so it can run while the caller is being authenticated.
   */
  async readUploadOwner(em: EntityManager, uploadId: string): Promise<UploadOwner | undefined> {
    const rows = (await em.getConnection().execute(
      `select u.status, s.studio_id::text as studio_id from episode_upload u join episode e on e.id = u.episode_id join series s on s.id = e.series_id where u.id = ?`,
      [uploadId],
    )) as Array<{ status: UploadStatus; studio_id: string }>;
    return rows[0] && { status: rows[0].status, studioId: rows[0].studio_id };
  }

  /**
   * PATCH, HEAD and DELETE of an existing upload: only the studio's owners and editors, and only while
   * the upload is under way or being processed (a finished one is UPLOAD_FINISHED, a failed or expired
   * one UPLOAD_GONE). Runs before every chunk; `owner` is the upload's
   * `readUploadOwner`, when the caller started it already.
   */
  async checkExistingUpload(ctx: RequestContext, uploadId: string, owner?: Promise<UploadOwner | undefined>): Promise<void> {
    requireUser(ctx);
    const row = await (owner ?? this.readUploadOwner(ctx.em, uploadId));
    if (!row) throw new NotFoundError('Upload', 'No such upload.');
    try {
      requireEpisodeAccess(ctx, row.studioId, 'write');
    } catch (error) {
      if (error instanceof NotFoundError) throw new NotFoundError('Upload', 'No such upload.');
      if (error instanceof ForbiddenError && error.reason === 'ROLE_REQUIRED') throw roleRequired(rulesFor(OrganizationKind.STUDIO, CATALOG_WRITERS), 'Only studio owners and editors can upload.');
      throw error;
    }
    // A finished upload's file has become the episode's media: say so, rather than that no such upload exists.
    if (row.status === UploadStatus.SUCCEEDED) {
      throw new UploadRefusedError('UPLOAD_FINISHED', 'This upload has finished: the whole file arrived and was processed. Nothing more can be sent to it or cancelled.');
    }
    if (row.status !== UploadStatus.UPLOADING && row.status !== UploadStatus.PROCESSING) {
      // An abandoned upload was cancelled by its studio or left unfinished past its expiry; the status does not tell which.
      throw new UploadRefusedError('UPLOAD_GONE', `This upload ${row.status === UploadStatus.FAILED ? 'has failed' : 'was cancelled or has expired'}; start a new one.`);
    }
  }

  /** The client stopped an upload (tus termination). */
  async recordTerminated(ctx: RequestContext, uploadId: string): Promise<void> {
    const em = ctx.em.fork();
    const row = await em.findOneOrFail(EpisodeUpload, { id: uploadId }, { populate: ['episode', 'episode.series'] });
    row.status = UploadStatus.ABANDONED;
    row.failureReason = 'Cancelled.';
    row.finishedAt = new Date();
    await this.settleEpisodeAfterUpload(em, row.episode, row.id, 'uploadAbandoned');
    this.audit.record(ctx, em, { action: 'media.upload_cancelled', organizationId: row.episode.series.studio.id, subjectType: 'Episode', subjectId: row.episode.id, summary: { uploadId } });
    await em.flush();
  }

  /** Marks uploads that stopped before finishing as abandoned (their partial files are deleted by the store). */
  async markAbandoned(em: EntityManager, olderThan: Date): Promise<number> {
    const stale = await em.find(EpisodeUpload, { status: UploadStatus.UPLOADING, createdAt: { $lt: olderThan } }, { populate: ['episode'] });
    for (const row of stale) {
      row.status = UploadStatus.ABANDONED;
      row.failureReason = 'The upload was not finished in time.';
      row.finishedAt = new Date();
      await this.settleEpisodeAfterUpload(em, row.episode, row.id, 'uploadAbandoned');
    }
    await em.flush();
    return stale.length;
  }

  /**
   * The upload `uploadId` ended without media. An episode showing its first upload's progress goes
   * back to DRAFT once no other upload of it is under way; a replacement never touched the status.
   */
  async settleEpisodeAfterUpload(em: EntityManager, episode: Episode, uploadId: string, transition: 'uploadAbandoned' | 'processingFailed'): Promise<void> {
    const upload = await em.findOne(EpisodeUpload, { id: uploadId });
    if (upload?.audioLanguage) return;
    if (!canTransition(episode.status, transition)) return;
    const others = await em.count(EpisodeUpload, { episode, audioLanguage: null, id: { $ne: uploadId }, status: { $in: [UploadStatus.UPLOADING, UploadStatus.PROCESSING] } });
    if (!others) transitionEpisode(episode, transition);
  }
}

/** The `audioLanguage` upload metadata: a BCP 47 tag by the catalog's one language rule, or a 400 (UPLOAD_LANGUAGE_INVALID) naming the key. */
function acceptAudioLanguage(tag: string): string {
  const parsed = languageSchema.safeParse(tag, { error: ourWords });
  if (!parsed.success) throw new UploadRefusedError('UPLOAD_LANGUAGE_INVALID', `Upload metadata audioLanguage: ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
