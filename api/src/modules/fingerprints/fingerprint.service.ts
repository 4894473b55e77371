import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requireUser } from '../../domain/access';
import { NotFoundError } from '../../domain/errors';
import type { RequestContext } from '../../domain/request-context';
import { parseInput, visibleText } from '../../domain/validation';
import type { AuditService } from '../audit/audit.service';
import { findEpisode, readsAllCatalogs } from '../catalog/catalog-access';
import { isId, newId } from '../common/ids';
import { compareFrames, MAX_MOMENTS, type MatchMoment } from './content-matching';
import { FRAMES_PER_SECOND, frameHashes, type FrameHash } from './frame-hashes';
import { candidateRevisions, pgArray, storedFrames } from './lookup';

/**
 * What a stored fingerprint is; a fingerprint stored under another (older) description is computed
 * again from the file at screening (before mirrored hashes were kept, for one).
 */
export const FINGERPRINT_ALGORITHM = `pHash (64-bit DCT, sharp-phash) of ${FRAMES_PER_SECOND} frame/s, as shown and mirrored`;

/** A match as stored, with what both sides are (ids, numbers, titles, studios). */
export interface ContentMatchView {
  id: string;
  sameStudio: boolean;
  /** One video shows the other's pictures flipped left to right. */
  mirrored: boolean;
  matchedFrames: number;
  moments: MatchMoment[];
  foundAt: Date;
  mediaRevisionId: string;
  episodeId: string;
  episodeNumber: number;
  seriesId: string;
  seriesTitle: string;
  studioId: string;
  studioName: string;
  matchedRevisionId: string;
  matchedEpisodeId: string;
  matchedEpisodeNumber: number;
  matchedSeriesId: string;
  matchedSeriesTitle: string;
  matchedStudioId: string;
  matchedStudioName: string;
  licensed: boolean;
  licenseNote: string | null;
  licensedAt: Date | null;
}

/** What a studio sees of a same-studio match: its own other episode, nothing more. */
export interface PossibleDuplicateView {
  episodeId: string;
  episodeNumber: number;
  seriesId: string;
  seriesTitle: string;
  matchedFrames: number;
  /** One video shows the other's pictures flipped left to right. */
  mirrored: boolean;
  /** Moments as seen from the episode asked about (atMs) and from its duplicate (matchedAtMs). */
  moments: MatchMoment[];
}

const MATCH_COLUMNS = `
  m.id::text, m.same_studio, m.mirrored, m.matched_frames, m.moments, m.found_at,
  m.media_revision_id::text, e1.id::text as episode_id, e1.number as episode_number, s1.id::text as series_id, s1.title as series_title, o1.id::text as studio_id, o1.name as studio_name,
  m.matched_revision_id::text, e2.id::text as matched_episode_id, e2.number as matched_episode_number, s2.id::text as matched_series_id, s2.title as matched_series_title, o2.id::text as matched_studio_id, o2.name as matched_studio_name,
  l.note as license_note, l.marked_at as licensed_at`;

const MATCH_JOINS = `
  join media_revision r1 on r1.id = m.media_revision_id join episode e1 on e1.id = r1.episode_id join series s1 on s1.id = e1.series_id join organization o1 on o1.id = s1.studio_id
  join media_revision r2 on r2.id = m.matched_revision_id join episode e2 on e2.id = r2.episode_id join series s2 on s2.id = e2.series_id join organization o2 on o2.id = s2.studio_id
  left join licensed_media_reuse l on l.media_revision_id = least(m.media_revision_id, m.matched_revision_id) and l.other_revision_id = greatest(m.media_revision_id, m.matched_revision_id)`;

type MatchRow = {
  id: string; same_studio: boolean; mirrored: boolean; matched_frames: number; moments: MatchMoment[]; found_at: Date;
  media_revision_id: string; episode_id: string; episode_number: number; series_id: string; series_title: string; studio_id: string; studio_name: string;
  matched_revision_id: string; matched_episode_id: string; matched_episode_number: number; matched_series_id: string; matched_series_title: string; matched_studio_id: string; matched_studio_name: string;
  license_note: string | null; licensed_at: Date | null;
};

function toView(r: MatchRow): ContentMatchView {
  return {
    id: r.id, sameStudio: r.same_studio, mirrored: r.mirrored, matchedFrames: r.matched_frames, moments: r.moments, foundAt: new Date(r.found_at),
    mediaRevisionId: r.media_revision_id, episodeId: r.episode_id, episodeNumber: r.episode_number, seriesId: r.series_id, seriesTitle: r.series_title, studioId: r.studio_id, studioName: r.studio_name,
    matchedRevisionId: r.matched_revision_id, matchedEpisodeId: r.matched_episode_id, matchedEpisodeNumber: r.matched_episode_number, matchedSeriesId: r.matched_series_id, matchedSeriesTitle: r.matched_series_title, matchedStudioId: r.matched_studio_id, matchedStudioName: r.matched_studio_name,
    licensed: r.licensed_at !== null, licenseNote: r.license_note, licensedAt: r.licensed_at ? new Date(r.licensed_at) : null,
  };
}

/**
 * Perceptual fingerprints of every episode's media and the matches they find across the platform.
 * Media is fingerprinted when it is processed (and at screening if it has none yet); it is matched
 * against the current media of every other episode when processed and again at screening.
 *
 * Who sees what is decided here and only here: a studio sees possible duplicates among its own
 * episodes (`possibleDuplicates`, restricted in SQL to the episode's studio); matches across
 * studios are read only through `matchesOfRevision`, which the API offers to operators alone.
 */
export class FingerprintService {
  constructor(private readonly audit: AuditService) {}

  /** Frame hashes of a local video file (ffmpeg + pHash); throws when the video cannot be decoded. `signal` stops it. */
  compute(file: string, signal?: AbortSignal): Promise<FrameHash[]> {
    return frameHashes(file, signal);
  }

  /**
   * Stores a revision's fingerprint (once: a revision is immutable, so is its fingerprint — unless the
   * stored one was made by an older FINGERPRINT_ALGORITHM, which it replaces).
   */
  async store(em: EntityManager, revisionId: string, frames: readonly FrameHash[]): Promise<void> {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    const written = (await conn.execute(
      `insert into media_fingerprint (media_revision_id, algorithm, frame_count) values (?, ?, ?)
       on conflict (media_revision_id) do update set algorithm = excluded.algorithm, frame_count = excluded.frame_count, created_at = now() where media_fingerprint.algorithm <> excluded.algorithm
       returning media_revision_id`,
      [revisionId, FINGERPRINT_ALGORITHM, frames.length],
      'all',
      tx,
    )) as unknown[];
    if (!written.length) return;
    await conn.execute(`delete from fingerprint_frame where media_revision_id = ?`, [revisionId], 'all', tx);
    if (!frames.length) return;
    await conn.execute(
      `insert into fingerprint_frame (media_revision_id, at_ms, hash, mirrored_hash) select ?::uuid, * from unnest(?::int[], ?::bigint[], ?::bigint[])`,
      [revisionId, pgArray(frames.map((f) => f.atMs)), pgArray(frames.map((f) => f.hash)), pgArray(frames.map((f) => f.mirroredHash ?? null))],
      'all',
      tx,
    );
  }

  /**
   * Holds, until the transaction ends, the studio's right to store and match a new fingerprint (a
   * transaction-scoped advisory lock; another transaction of the studio waits here). A transaction
   * matches only media already committed, so two uploads of one video made READY at the same moment
   * in two episodes would each miss the other, and the studio would not see the possible duplicate
   * before submitting. Other studios' uploads do not wait: matches across studios are screening's,
   * which matches again.
   */
  async holdStudioMatching(em: EntityManager, studioId: string): Promise<void> {
    await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('fingerprint-matching'), hashtext(?::text))`, [studioId], 'all', em.getTransactionContext());
  }

  /** Whether a revision has its fingerprint stored, made by the current FINGERPRINT_ALGORITHM. */
  async has(em: EntityManager, revisionId: string): Promise<boolean> {
    const rows = (await em.getConnection().execute(`select 1 from media_fingerprint where media_revision_id = ? and algorithm = ?`, [revisionId, FINGERPRINT_ALGORITHM], 'all', em.getTransactionContext())) as unknown[];
    return rows.length > 0;
  }

  /**
   * Matches a revision's stored fingerprint against the current media of every other episode and
   * records each match (found again: refreshed). Returns the matches found now.
   */
  async matchRevision(em: EntityManager, revisionId: string): Promise<ContentMatchView[]> {
    const ids = await this.recordMatches(em, revisionId);
    return ids.length ? this.views(em, `m.id = any(?::uuid[])`, [pgArray(ids)]) : [];
  }

  /**
   * What `matchRevision` records, returning only the ids of the matches: for the transaction that
   * makes an upload READY, which reads nothing back. The same few statements however many media match.
   */
  async recordMatches(em: EntityManager, revisionId: string): Promise<string[]> {
    const conn = em.getConnection();
    const tx = em.getTransactionContext();
    const own = (await conn.execute(`select r.episode_id::text as episode_id from media_revision r where r.id = ?`, [revisionId], 'all', tx)) as Array<{ episode_id: string }>;
    if (!own[0]) return [];
    const frames = (await storedFrames(em, [revisionId])).get(revisionId) ?? [];
    const candidates = await candidateRevisions(em, frames, own[0].episode_id);
    const framesOf = await storedFrames(em, candidates);
    const matches = candidates.flatMap((candidate) => {
      const match = compareFrames(frames, framesOf.get(candidate) ?? []);
      return match ? [{ id: newId(), candidate, mirrored: match.mirrored, frames: match.moments.length, moments: match.moments.slice(0, MAX_MOMENTS) }] : [];
    });
    if (!matches.length) return [];
    // One insert for every match; whether both media belong to one studio is read in the same statement.
    const rows = (await conn.execute(
      `insert into content_match (id, media_revision_id, matched_revision_id, same_studio, mirrored, matched_frames, moments, found_at)
       select m.id, r.id, m.candidate, coalesce(os.studio_id = cs.studio_id, false), m.mirrored, m.frames, m.moments, now()
       from jsonb_to_recordset(?::jsonb) as m(id uuid, candidate uuid, mirrored boolean, frames int, moments jsonb)
       join media_revision r on r.id = ?::uuid join episode oe on oe.id = r.episode_id join series os on os.id = oe.series_id
       left join media_revision cr on cr.id = m.candidate left join episode ce on ce.id = cr.episode_id left join series cs on cs.id = ce.series_id
       -- Rows are locked in one order, so two matchings of one revision at once (screening) wait on each other instead of deadlocking.
       order by m.candidate
       on conflict (media_revision_id, matched_revision_id) do update set mirrored = excluded.mirrored, matched_frames = excluded.matched_frames, moments = excluded.moments, found_at = excluded.found_at
       returning id::text`,
      [JSON.stringify(matches), revisionId],
      'all',
      tx,
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }

  /**
   * Screening: fingerprints the media if it has none yet, matches it, and says whether the case
   * must go to a lead — a match with another studio's media that no lead has marked licensed.
   * The matches are recorded for operators; nothing about them reaches the studio.
   */
  async screen(ctx: RequestContext, revisionId: string, file: string): Promise<{ unlicensedCopies: ContentMatchView[] }> {
    const em = ctx.em;
    if (!(await this.has(em, revisionId))) await this.store(em, revisionId, await this.compute(file));
    const matches = await this.matchRevision(em, revisionId);
    const unlicensedCopies = matches.filter((m) => !m.sameStudio && !m.licensed);
    for (const match of unlicensedCopies) {
      // Recorded on the match, for operators: never on the studio's case or organization.
      this.audit.record(ctx, em, {
        action: 'fingerprint.copy_suspected',
        actorLabel: 'system: fingerprint matching',
        subjectType: 'ContentMatch',
        subjectId: match.id,
        summary: { mediaRevisionId: match.mediaRevisionId, matchedRevisionId: match.matchedRevisionId, matchedFrames: match.matchedFrames },
      });
    }
    await em.flush();
    return { unlicensedCopies };
  }

  /**
   * Matches involving a revision, from either side, each shown from that revision's side. For
   * operators only (the resolver allows operator roles alone); the service checks it again.
   */
  async matchesOfRevision(ctx: RequestContext, revisionId: string): Promise<ContentMatchView[]> {
    requireUser(ctx);
    if (!readsAllCatalogs(ctx)) return [];
    const views = await this.views(ctx.em, `(m.media_revision_id = ? or m.matched_revision_id = ?)`, [revisionId, revisionId]);
    // Two media checked against each other both ways make two rows: list the other media once,
    // preferring the row checked from this side.
    const byOther = new Map<string, ContentMatchView>();
    const forward = views.filter((v) => v.mediaRevisionId === revisionId);
    for (const view of [...forward, ...views.filter((v) => v.mediaRevisionId !== revisionId).map(fromOtherSide)]) {
      if (!byOther.has(view.matchedRevisionId)) byOther.set(view.matchedRevisionId, view);
    }
    return [...byOther.values()];
  }

  /**
   * Same-studio possible duplicates of an episode's current media: other episodes of the same studio
   * whose current media matched it (either was checked against the other). Whoever may read the
   * episode sees them; the SQL itself keeps to the episode's studio.
   */
  async possibleDuplicates(ctx: RequestContext, episodeId: string): Promise<PossibleDuplicateView[]> {
    const episode = await findEpisode(ctx, episodeId, 'read');
    const rows = (await ctx.em.getConnection().execute(
      `select distinct on (s2.title, e2.number, e2.id) e2.id::text as episode_id, e2.number as episode_number, s2.id::text as series_id, s2.title as series_title, m.matched_frames, m.mirrored, m.moments,
              m.media_revision_id = e.current_media_id as forward
       from episode e join series s on s.id = e.series_id
       join content_match m on m.media_revision_id = e.current_media_id or m.matched_revision_id = e.current_media_id
       join episode e2 on e2.current_media_id = (case when m.media_revision_id = e.current_media_id then m.matched_revision_id else m.media_revision_id end)
       join series s2 on s2.id = e2.series_id and s2.studio_id = s.studio_id
       where e.id = ? and e2.id <> e.id
       order by s2.title, e2.number, e2.id, (m.media_revision_id = e.current_media_id) desc`,
      [episode.id],
    )) as Array<{ episode_id: string; episode_number: number; series_id: string; series_title: string; matched_frames: number; mirrored: boolean; moments: MatchMoment[]; forward: boolean }>;
    return rows.map((r) => ({
      episodeId: r.episode_id,
      episodeNumber: r.episode_number,
      seriesId: r.series_id,
      seriesTitle: r.series_title,
      matchedFrames: r.matched_frames,
      mirrored: r.mirrored,
      moments: r.forward ? r.moments : r.moments.map(swapSides),
    }));
  }

  /**
   * A lead rules that the two videos of a match may share pictures (a licensed re-release, a
   * re-edit). Remembered for that pair of media revisions, whichever side is checked again; any
   * other upload — even between the same two series — is matched and routed afresh.
   */
  async markLicensed(ctx: RequestContext, matchId: string, note: string): Promise<ContentMatchView> {
    const actor = requireUser(ctx);
    const text = parseInput(visibleText(z.string().trim(), 'Say why this reuse is licensed (e.g. the contract).').max(2000), note, 'note');
    const [match] = isId(matchId) ? await this.views(ctx.em, `m.id = ?`, [matchId]) : [];
    if (!match) throw new NotFoundError('Content match');
    await ctx.em.transactional(async (tx) => {
      await tx.getConnection().execute(
        `insert into licensed_media_reuse (id, media_revision_id, other_revision_id, note, marked_by_id, marked_at) values (?, least(?::uuid, ?::uuid), greatest(?::uuid, ?::uuid), ?, ?, now())
         on conflict (media_revision_id, other_revision_id) do update set note = excluded.note, marked_by_id = excluded.marked_by_id, marked_at = excluded.marked_at`,
        [newId(), match.mediaRevisionId, match.matchedRevisionId, match.mediaRevisionId, match.matchedRevisionId, text, actor.user.id],
        'all',
        tx.getTransactionContext(),
      );
      this.audit.record(ctx, tx, { action: 'fingerprint.marked_licensed', subjectType: 'ContentMatch', subjectId: match.id, summary: { mediaRevisionIds: [match.mediaRevisionId, match.matchedRevisionId], seriesIds: [match.seriesId, match.matchedSeriesId], note: text } });
    });
    return (await this.views(ctx.em, `m.id = ?`, [matchId]))[0]!;
  }

  private async views(em: EntityManager, where: string, params: unknown[]): Promise<ContentMatchView[]> {
    const rows = (await em.getConnection().execute(`select ${MATCH_COLUMNS} from content_match m ${MATCH_JOINS} where ${where} order by m.found_at desc`, params, 'all', em.getTransactionContext())) as MatchRow[];
    return rows.map(toView);
  }
}

function swapSides(m: MatchMoment): MatchMoment {
  return { atMs: m.matchedAtMs, matchedAtMs: m.atMs, distance: m.distance };
}

/** The same match seen from its other side (a mirrored match is mirrored both ways). */
function fromOtherSide(v: ContentMatchView): ContentMatchView {
  return {
    ...v,
    moments: v.moments.map(swapSides),
    mediaRevisionId: v.matchedRevisionId, episodeId: v.matchedEpisodeId, episodeNumber: v.matchedEpisodeNumber, seriesId: v.matchedSeriesId, seriesTitle: v.matchedSeriesTitle, studioId: v.matchedStudioId, studioName: v.matchedStudioName,
    matchedRevisionId: v.mediaRevisionId, matchedEpisodeId: v.episodeId, matchedEpisodeNumber: v.episodeNumber, matchedSeriesId: v.seriesId, matchedSeriesTitle: v.seriesTitle, matchedStudioId: v.studioId, matchedStudioName: v.studioName,
  };
}
