import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../../config';
import type { Logger } from '../../logger';
import type { RequestContext } from '../../domain/request-context';
import { isOperatorStaff, requireUser } from '../../domain/access';
import { NotFoundError } from '../../domain/errors';
import { isId } from '../common/ids';
import { parseInput } from '../../domain/validation';
import { languageSchema } from '../catalog/catalog-validation';
import { findEpisode } from '../catalog/catalog-access';
import { Episode } from '../catalog/episode.entity';
import { transitionEpisode, transitionEpisodesInSql } from '../catalog/episode-lifecycle';
import type { AuditService } from '../audit/audit.service';
import { posterFrame, probeAudio, probeVideo, ProbeError, sha256File, type ProbeResult } from '../../uploads/probe';
import type { MediaStorage } from '../../uploads/storage';
import { EpisodeUpload, UploadStatus } from './episode-upload.entity';
import { MediaRevision } from './media-revision.entity';
import { AudioTrack } from './audio-track.entity';
import { dubDurationMismatch } from './audio-tracks';
import { invalidateReviews } from '../review/case-invalidation';
import { repeatsCurrentMedia, type MediaBytes } from './media-replacement';
import type { UploadService } from './upload.service';
import type { MediaReplacementService } from './media-replacement.service';
import type { FingerprintService } from '../fingerprints/fingerprint.service';
import type { FrameHash } from '../fingerprints/frame-hashes';

const EXTENSIONS: Record<string, string> = { 'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm' };
const AUDIO_EXTENSIONS: Record<string, string> = { 'audio/mp4': 'm4a', 'audio/x-m4a': 'm4a', 'audio/m4a': 'm4a', 'audio/aac': 'aac', 'audio/mpeg': 'mp3', 'audio/mp3': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/wave': 'wav' };

/** A process's hold on an upload it is processing (see MediaService.claim). */
export interface ProcessingClaim {
  uploadId: string;
  /** The claim's time as PostgreSQL prints it: renewing or finishing needs it to be unchanged. */
  token: string;
}

/** A claim kept alive by a heartbeat while processing runs (see `holdClaim`). */
export interface ProcessingLease {
  /** Stops renewing (waiting for a renewal under way) and returns the claim as held now, or null if it was lost. */
  settle(): Promise<ProcessingClaim | null>;
}

/**
 * How a process works on an upload it claimed: the lease that keeps its claim, and the signal that
 * stops the work when the process stops (its ffmpeg runs are killed; the upload is left unrecorded
 * for the next process: an interrupted run says nothing about the file).
 */
export interface ProcessingWork {
  lease?: ProcessingLease;
  signal?: AbortSignal;
}

/** The claim was taken over by another process (this one stalled past its lease): it stops quietly. */
export class ClaimLostError extends Error {
  constructor(uploadId: string) {
    super(`the processing claim on upload ${uploadId} was taken over`);
  }
}

/** Where the finished bytes of an upload are, and how to let go of them afterwards. */
export interface FinishedFile {
  path: string;
  /** True when the file may be moved into media storage (it is ours to consume). */
  consumable: boolean;
  /** The file's sha256 (hex) when it was computed as the bytes arrived; otherwise the file is hashed here. */
  sha256?: string;
}

export class MediaService {
  constructor(
    private readonly audit: AuditService,
    private readonly uploads: UploadService,
    private readonly storage: MediaStorage,
    private readonly config: Config,
    private readonly fingerprints: FingerprintService,
    private readonly replacement: MediaReplacementService,
  ) {}

  /**
   * Claims a finished upload for processing, or takes over one whose processor stopped renewing its
   * lease (`uploads.processingLeaseMs`: the process died midway). Returns the claim — its time, which
   * only this claimant knows to the microsecond — or null when another process holds the upload.
   */
  async claim(em: EntityManager, uploadId: string): Promise<ProcessingClaim | null> {
    const claimed = (await em.getConnection().execute(
      `update episode_upload set status = 'PROCESSING', processing_claimed_at = clock_timestamp()
       where id = ? and (status = 'UPLOADING' or (status = 'PROCESSING' and processing_claimed_at < now() - (? || ' milliseconds')::interval))
       returning processing_claimed_at::text as token`,
      [uploadId, String(this.config.uploads.processingLeaseMs)],
    )) as Array<{ token: string }>;
    return claimed[0] ? { uploadId, token: claimed[0].token } : null;
  }

  /** Keeps a claim alive, renewing it every third of the lease, until `settle` is called. */
  holdClaim(em: EntityManager, claim: ProcessingClaim, logger: Logger): ProcessingLease {
    let current: ProcessingClaim | null = claim;
    let renewal: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewal = renewal.then(async () => {
        if (!current) return;
        current = await this.renewClaim(em.fork(), current).catch((err: unknown) => {
          logger.warn({ err, uploadId: claim.uploadId }, 'renewing a processing claim failed; retrying');
          return current;
        });
      });
    }, Math.max(100, Math.floor(this.config.uploads.processingLeaseMs / 3)));
    timer.unref();
    return {
      settle: async () => {
        clearInterval(timer);
        await renewal;
        return current;
      },
    };
  }

  /**
   * Renews a claim while its processing runs (the heartbeat). Returns the renewed claim, or null when
   * the claim was lost (taken over after a stall): the caller must then not finish the upload.
   */
  async renewClaim(em: EntityManager, claim: ProcessingClaim): Promise<ProcessingClaim | null> {
    const renewed = (await em.getConnection().execute(
      `update episode_upload set processing_claimed_at = clock_timestamp()
       where id = ? and status = 'PROCESSING' and processing_claimed_at = ?::timestamptz
       returning processing_claimed_at::text as token`,
      [claim.uploadId, claim.token],
    )) as Array<{ token: string }>;
    return renewed[0] ? { uploadId: claim.uploadId, token: renewed[0].token } : null;
  }

  /**
   * Hands an unfinished claim back (its process is stopping): the upload stays PROCESSING with a claim
   * long lapsed, so the next process to look (another's sweep, or the next start) takes it at once
   * instead of waiting out the lease. Nothing happens if the claim was taken over meanwhile.
   */
  async handBackClaim(em: EntityManager, claim: ProcessingClaim): Promise<void> {
    await em.getConnection().execute(
      `update episode_upload set processing_claimed_at = 'epoch' where id = ? and status = 'PROCESSING' and processing_claimed_at = ?::timestamptz`,
      [claim.uploadId, claim.token],
    );
  }

  /**
   * Hands a finished upload nobody claimed over for processing as its process stops (its last PATCH was
   * answered during the drain): PROCESSING under a claim long lapsed, which another process's sweep or
   * the next start takes at once. False when it was claimed, or left UPLOADING, meanwhile.
   */
  async handOver(em: EntityManager, uploadId: string): Promise<boolean> {
    const rows = await em.getConnection().execute(`update episode_upload set status = 'PROCESSING', processing_claimed_at = 'epoch' where id = ? and status = 'UPLOADING' returning id`, [uploadId]);
    return rows.length > 0;
  }

  /**
   * Whether the claim `work` holds on upload `uploadId` is still this process's, checked under the
   * upload row's lock in `tx` (true when processing runs without a claim). Only the holder of the
   * claim records an outcome: one that stalled past its lease and was taken over stops, so an upload
   * never becomes two revisions or a failure beside a success.
   */
  private async claimHeld(tx: EntityManager, uploadId: string, work: ProcessingWork): Promise<boolean> {
    if (!work.lease) return true;
    const held = await work.lease.settle();
    if (!held) return false;
    const rows = await tx.getConnection().execute(`select id from episode_upload where id = ? and status = 'PROCESSING' and processing_claimed_at = ?::timestamptz for update`, [uploadId, held.token], 'all', tx.getTransactionContext());
    return rows.length > 0;
  }

  /**
   * Turns a finished upload into the episode's new media revision: hash, compare with the expected
   * sha256, probe, warn, poster, perceptual fingerprint, store under the content hash; then look for
   * the same pictures elsewhere on the platform (FingerprintService). Any failure is recorded on the upload
   * and shown on the episode; the previous media stays current. This is the one place a finished
   * upload becomes the episode's media, so the rule of an identical upload lives here: bytes that
   * repeat the current video (`repeatsCurrentMedia`: the same size and sha256) are no replacement —
   * no new revision, no review, approval or live state lapses; the upload ends SUCCEEDED and
   * `identicalToCurrentMedia`. A real replacement goes ahead only if its upload acknowledged
   * everything it cancels now (`MediaReplacementService.refusal`, the check made at creation);
   * otherwise the upload fails with those words.
   *
   * Returns whether this call recorded the upload's outcome: false when another process took the
   * upload over (its claim was lost), which then needs the upload's bytes until it is done, or when
   * `work.signal` stopped it (the process is stopping; the bytes stay for the next one).
   */
  async process(em: EntityManager, uploadId: string, file: FinishedFile, logger: Logger, work: ProcessingWork = {}): Promise<boolean> {
    const upload = await em.findOneOrFail(EpisodeUpload, { id: uploadId }, { populate: ['episode', 'episode.series'] });
    if (upload.audioLanguage) return this.processDub(em, upload, file, logger, work);
    const system = { actorLabel: 'system' };
    const { signal } = work;
    try {
      const sha256 = file.sha256 ?? (await sha256File(file.path, signal));
      if (upload.expectedSha256 && upload.expectedSha256 !== sha256) {
        throw new ProbeError(`The file's sha256 (${sha256}) differs from the one declared (${upload.expectedSha256}); it was damaged on the way.`);
      }
      const extension = EXTENSIONS[upload.fileType] ?? 'bin';
      const storageKey = `media/${sha256}.${extension}`;
      const posterKey = `posters/${sha256}.jpg`;
      const arrived: MediaBytes = { sha256, sizeBytes: upload.declaredSize };
      // The same bytes as the current video need no probing or storing: decided again under the lock below.
      const currentId = (await em.findOneOrFail(Episode, upload.episode.id, { refresh: true })).currentMedia?.id;
      const current = currentId ? await em.findOne(MediaRevision, currentId) : null;
      const prepared = repeatsCurrentMedia(current, arrived) ? null : await this.prepareRevision(file, storageKey, posterKey, signal);
      // One transaction switches the media, lapses the reviews of the old media and moves the
      // status, so no reader ever sees new media under an old approval.
      await em.transactional(async (tx) => {
        if (!(await this.claimHeld(tx, uploadId, work))) throw new ClaimLostError(uploadId);
        // Locked and read afresh: a submission or decision may have moved the episode during probing.
        await tx.getConnection().execute('select id from episode where id = ? for update', [upload.episode.id], 'all', tx.getTransactionContext());
        const episode = await tx.findOneOrFail(Episode, upload.episode.id, { refresh: true, populate: ['series', 'currentMedia'] });
        if (repeatsCurrentMedia(episode.currentMedia, arrived)) return this.keepCurrentMedia(tx, upload, episode, logger);
        // A replacement cancels what the episode has now, which may have grown while the file was
        // uploading (a submission, an approval, a release): checked again against what the upload
        // acknowledged when it was created. Refused, the upload fails and nothing current changes.
        if (episode.currentMedia) {
          const refusal = await this.replacement.refusal(tx, episode, upload.fileName, upload.acknowledgedCancels);
          if (refusal) throw new ProbeError(refusal);
        }
        if (!prepared) throw new ProbeError('The episode’s video changed while this upload was being checked: upload the file again.');
        const { probe, frames, warnings } = prepared;
        const revision = tx.create(MediaRevision, {
          episode,
          sha256,
          sizeBytes: upload.declaredSize,
          storageKey,
          posterKey,
          fileName: upload.fileName,
          ...probe,
          warnings,
          uploadedBy: upload.uploadedBy ?? null,
          createdAt: new Date(),
        });
        const previous = episode.currentMedia;
        if (previous) await invalidateReviews(tx, { episodeIds: [episode.id] }, `The media was replaced (new sha256 ${sha256}).`);
        else transitionEpisode(episode, 'processingFinished');
        episode.currentMedia = revision;
        episode.durationSeconds = Math.round(probe.durationSeconds);
        episode.uploadError = null;
        upload.status = UploadStatus.SUCCEEDED;
        upload.mediaRevision = revision;
        upload.finishedAt = new Date();
        this.audit.record({ ...this.systemContext(tx, logger) }, tx, {
          ...system,
          action: 'media.revision_created',
          organizationId: episode.series.studio.id,
          subjectType: 'Episode',
          subjectId: episode.id,
          summary: { uploadId, before: { sha256: previous?.sha256 ?? null }, after: { sha256, durationSeconds: probe.durationSeconds, width: probe.width, height: probe.height }, warnings },
        });
        await tx.flush();
        // Matched in the same transaction, so the studio sees possible duplicates as soon as the
        // episode reads READY, before it submits; one such transaction of the studio at a time, so
        // two at once see each other. In a savepoint: a failed match must not fail the upload
        // (screening matches again).
        await this.fingerprints.holdStudioMatching(tx, episode.series.studio.id);
        await this.fingerprints.store(tx, revision.id, frames);
        await tx.transactional((sp) => this.fingerprints.recordMatches(sp, revision.id)).catch((err: unknown) => logger.error({ err, uploadId }, 'matching the new media against the platform failed; screening will match it'));
      });
    } catch (error) {
      return this.recordFailure(em.fork(), uploadId, error, logger, work);
    }
    return true;
  }

  /**
   * Probes, fingerprints and posters a finished video and stores it under its content hash: what a
   * new revision needs. Throws ProbeError when the file is not a video Greenlight takes.
   */
  private async prepareRevision(file: FinishedFile, storageKey: string, posterKey: string, signal?: AbortSignal): Promise<{ probe: ProbeResult; frames: FrameHash[]; warnings: string[] }> {
    // Probe, fingerprint and poster are separate ffmpeg runs over the same file: the fingerprint
    // starts at once, the poster as soon as the probe gives the duration, so READY waits for the
    // longest of them rather than their sum. A probe failure is reported first (it says the most).
    const probing = probeVideo(file.path, signal);
    const fingerprinting = this.fingerprints.compute(file.path, signal).catch((error: unknown) => {
      throw new ProbeError("The video's frames could not be decoded: it may be damaged or truncated.", (error as Error).message.split('\n')[0]!.replace(file.path, 'file'));
    });
    const postering = probing.then(async (probed) => {
      if (!(await this.storage.exists(posterKey))) await this.storage.putBuffer(posterKey, await posterFrame(file.path, probed.durationSeconds, signal));
    });
    const [probed, fingerprinted, postered] = await Promise.allSettled([probing, fingerprinting, postering]);
    for (const step of [probed, fingerprinted, postered]) if (step.status === 'rejected') throw step.reason;
    const probe = (probed as PromiseFulfilledResult<ProbeResult>).value;
    const frames = (fingerprinted as PromiseFulfilledResult<Awaited<typeof fingerprinting>>).value;
    const warnings = this.warningsFor(probe);
    await this.storage.putFile(storageKey, file.path, { move: file.consumable });
    return { probe, frames, warnings };
  }

  /**
   * The upload repeats the episode's current video (`repeatsCurrentMedia`): it ends SUCCEEDED and
   * marked identical, pointing at the current revision, and nothing else moves — no new revision, no
   * review lapses, the status and live state stay. Called under the episode's lock.
   */
  private async keepCurrentMedia(tx: EntityManager, upload: EpisodeUpload, episode: Episode, logger: Logger): Promise<void> {
    upload.status = UploadStatus.SUCCEEDED;
    upload.identicalToCurrentMedia = true;
    upload.mediaRevision = episode.currentMedia;
    upload.finishedAt = new Date();
    episode.uploadError = null;
    this.audit.record(this.systemContext(tx, logger), tx, {
      actorLabel: 'system',
      action: 'media.upload_identical',
      organizationId: episode.series.studio.id,
      subjectType: 'Episode',
      subjectId: episode.id,
      summary: { uploadId: upload.id, sha256: episode.currentMedia!.sha256 },
    });
    await tx.flush();
  }

  /**
   * Turns a finished dub upload into the episode's audio track in its language (added or replaced):
   * hash, probe (an audio stream; the duration within `dubDurationToleranceSeconds` of the video's),
   * store under the content hash. Nothing is stored when a check fails; the failure is recorded on the
   * upload. The track is reviewed material: the approval lapses through the reviewed snapshot, so a
   * dub goes ahead only if its upload acknowledged what that cancels (`MediaReplacementService.refusal`),
   * as a replacement video does. Returns whether it recorded the outcome (as `process`).
   */
  private async processDub(em: EntityManager, upload: EpisodeUpload, file: FinishedFile, logger: Logger, work: ProcessingWork): Promise<boolean> {
    const language = upload.audioLanguage!;
    try {
      const sha256 = file.sha256 ?? (await sha256File(file.path, work.signal));
      if (upload.expectedSha256 && upload.expectedSha256 !== sha256) {
        throw new ProbeError(`The file's sha256 (${sha256}) differs from the one declared (${upload.expectedSha256}); it was damaged on the way.`);
      }
      const probe = await probeAudio(file.path, work.signal);
      const video = await em.findOne(MediaRevision, { id: (await em.findOneOrFail(Episode, upload.episode.id, { refresh: true })).currentMedia?.id ?? null });
      if (!video) throw new ProbeError('The episode has no video to measure the dub against.');
      const mismatch = dubDurationMismatch(probe.durationSeconds, video.durationSeconds);
      if (mismatch) throw new ProbeError(`duration: ${mismatch}`);
      const storageKey = `audio/${sha256}.${AUDIO_EXTENSIONS[upload.fileType] ?? 'bin'}`;
      await this.storage.putFile(storageKey, file.path, { move: file.consumable });
      await em.transactional(async (tx) => {
        if (!(await this.claimHeld(tx, upload.id, work))) throw new ClaimLostError(upload.id);
        await tx.getConnection().execute('select id from episode where id = ? for update', [upload.episode.id], 'all', tx.getTransactionContext());
        const episode = await tx.findOneOrFail(Episode, upload.episode.id, { refresh: true, populate: ['series'] });
        const existing = await tx.findOne(AudioTrack, { episode, language });
        // A new dub lapses what a new video lapses (it is reviewed material): checked again, under the
        // episode's lock, against what the upload acknowledged when it was created. The same bytes
        // again change nothing.
        if (existing?.sha256 !== sha256) {
          const refusal = await this.replacement.refusal(tx, episode, upload.fileName, upload.acknowledgedCancels, language);
          if (refusal) throw new ProbeError(refusal);
        }
        const fields = { sha256, sizeBytes: upload.declaredSize, storageKey, fileName: upload.fileName, container: probe.container, audioCodec: probe.audioCodec, durationSeconds: probe.durationSeconds, uploadedBy: upload.uploadedBy ?? null, createdAt: new Date() };
        if (existing) tx.assign(existing, fields);
        else tx.create(AudioTrack, { episode, language, ...fields });
        const row = await tx.findOneOrFail(EpisodeUpload, upload.id);
        row.status = UploadStatus.SUCCEEDED;
        row.finishedAt = new Date();
        this.audit.record(this.systemContext(tx, logger), tx, {
          actorLabel: 'system',
          action: existing ? 'audio.replace' : 'audio.add',
          organizationId: episode.series.studio.id,
          subjectType: 'Episode',
          subjectId: episode.id,
          summary: { uploadId: upload.id, language, before: existing ? { sha256: existing.sha256 } : {}, after: { sha256, durationSeconds: probe.durationSeconds } },
        });
      });
    } catch (error) {
      return this.recordFailure(em.fork(), upload.id, error, logger, work);
    }
    return true;
  }

  /** The dubbed audio tracks of an episode, for whoever may read it. */
  async audioTracksOf(ctx: RequestContext, episodeId: string): Promise<AudioTrack[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(AudioTrack, { episode }, { orderBy: { language: 'asc' } });
  }

  /**
   * Null while the dub fits its episode's current video; otherwise why not (both durations). A
   * video replaced after the dub can leave one that no longer fits: the episode cannot be submitted
   * for review until the dub is uploaded again or removed.
   */
  async dubMismatch(ctx: RequestContext, track: AudioTrack): Promise<string | null> {
    const episode = await ctx.em.findOneOrFail(Episode, track.episode.id, { populate: ['currentMedia'] });
    return episode.currentMedia ? dubDurationMismatch(track.durationSeconds, episode.currentMedia.durationSeconds) : null;
  }

  /** Removes the dub in `language` (BCP 47); the approval lapses through the reviewed snapshot. */
  async removeAudioTrack(ctx: RequestContext, episodeId: string, language: string): Promise<boolean> {
    const em = ctx.em.fork();
    const episode = await findEpisode(ctx, episodeId, 'write', em);
    const track = await em.findOne(AudioTrack, { episode, language: parseInput(languageSchema, language, 'language') });
    if (!track) throw new NotFoundError('Dub in that language');
    await em.transactional(async (tx) => {
      this.audit.record(ctx, tx, { action: 'audio.remove', organizationId: episode.series.studio.id, subjectType: 'Episode', subjectId: episode.id, summary: { language: track.language, sha256: track.sha256 } });
      tx.remove(track);
    });
    return true;
  }

  /** A dub a caller may play: studio members of the episode's studio and the operator's staff (NOT_FOUND otherwise). */
  async playableAudio(ctx: RequestContext, trackId: string): Promise<AudioTrack> {
    const track = isId(trackId) ? await ctx.em.findOne(AudioTrack, trackId) : null;
    if (!track) throw new NotFoundError('Audio');
    await findEpisode(ctx, track.episode.id, 'read');
    return track;
  }

  /**
   * Processing ended with `error`. A ProbeError is the file's: its words are recorded on the upload
   * and, for a video, shown on the episode (the previous media stays current); anything else is
   * recorded in general words and logged. Nothing is recorded when the claim was lost (the process
   * that took over records) or `work.signal` stopped the work: the process is stopping, and an
   * interrupted run (its ffmpeg killed) says nothing about the file. Returns whether it recorded.
   */
  private async recordFailure(em: EntityManager, uploadId: string, error: unknown, logger: Logger, work: ProcessingWork): Promise<boolean> {
    const stopped = () => {
      if (!work.signal?.aborted) return false;
      logger.info({ uploadId }, 'processing stopped with the process; the upload is left for the next one');
      return true;
    };
    if (error instanceof ClaimLostError) {
      logger.warn({ uploadId }, 'another process took over this upload; leaving it to that process');
      return false;
    }
    if (stopped()) return false;
    if (!(error instanceof ProbeError)) logger.error({ err: error, uploadId }, 'processing an upload failed unexpectedly');
    else logger.info({ uploadId, detail: error.detail }, `upload refused: ${error.message}`);
    const reason = error instanceof ProbeError ? error.message : 'The file could not be processed. Try uploading it again.';
    return em.transactional(async (tx) => {
      // Checked again at the last moment: a signal to the whole process group reaches ffmpeg too, and its exit may be seen first.
      if (!(await this.claimHeld(tx, uploadId, work)) || stopped()) return false;
      const upload = await tx.findOneOrFail(EpisodeUpload, { id: uploadId }, { populate: ['episode', 'episode.series'] });
      const episode = upload.episode;
      upload.status = UploadStatus.FAILED;
      upload.failureReason = reason;
      upload.finishedAt = new Date();
      if (!upload.audioLanguage) {
        episode.uploadError = reason;
        await this.uploads.settleEpisodeAfterUpload(tx, episode, upload.id, 'processingFailed');
      }
      this.audit.record(this.systemContext(tx, logger), tx, {
        actorLabel: 'system',
        action: 'media.upload_failed',
        organizationId: episode.series.studio.id,
        subjectType: 'Episode',
        subjectId: episode.id,
        summary: upload.audioLanguage ? { uploadId, reason, audioLanguage: upload.audioLanguage } : { uploadId, reason },
      });
      return true;
    });
  }

  /** The episode shows its first upload is being processed (a replacement leaves the status alone). */
  async markProcessing(em: EntityManager, uploadId: string): Promise<void> {
    const upload = await em.findOne(EpisodeUpload, { id: uploadId });
    if (upload && !upload.audioLanguage) await transitionEpisodesInSql(em, [upload.episode.id], 'uploadFinished');
  }

  /** Policy warnings a studio should see; they do not block the upload. */
  private warningsFor(probe: ProbeResult): string[] {
    const warnings: string[] = [];
    if (probe.height <= probe.width) warnings.push(`The video is ${probe.width}×${probe.height}, not vertical (9:16 is expected).`);
    if (probe.durationSeconds > this.config.uploads.maxDurationSeconds) {
      warnings.push(`The video runs ${Math.round(probe.durationSeconds)} s, longer than the ${this.config.uploads.maxDurationSeconds} s policy maximum.`);
    }
    return warnings;
  }

  private systemContext(em: EntityManager, logger: Logger): RequestContext {
    return { em, actor: { kind: 'anonymous' }, requestId: 'media-processing', config: this.config, logger };
  }

  /**
   * The media revision a caller may play: studio members of the episode's studio, and the
   * operator's reviewers, leads and admins. Anything else is NOT_FOUND.
   */
  async playable(ctx: RequestContext, revisionId: string): Promise<MediaRevision> {
    const actor = requireUser(ctx);
    const revision = isId(revisionId) ? await ctx.em.findOne(MediaRevision, revisionId, { populate: ['episode', 'episode.series'] }) : null;
    if (!revision) throw new NotFoundError('Media');
    const studioId = revision.episode.series.studio.id;
    if (!isOperatorStaff(ctx) && !actor.memberships.some((m) => m.organization.id === studioId)) throw new NotFoundError('Media');
    return revision;
  }

  async revisionsOf(ctx: RequestContext, episodeId: string): Promise<MediaRevision[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(MediaRevision, { episode }, { orderBy: { createdAt: 'desc' } });
  }

  async uploadsOf(ctx: RequestContext, episodeId: string, limit = 10): Promise<EpisodeUpload[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    return ctx.em.find(EpisodeUpload, { episode }, { orderBy: { createdAt: 'desc' }, limit });
  }
}
