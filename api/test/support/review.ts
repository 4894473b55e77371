import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadReviewedSnapshots, reviewedDigest } from '../../src/modules/review/reviewed-material';
import { parseSrt, parseWebVtt } from '../../src/modules/media/subtitles';
import type { TestServer } from './server';
import { graphql } from '../../../schema/graphql';

/** The cues of a seeded track, parsed as an upload's are (empty when the file is not valid). */
function cuesOf(t: SeedSubtitle) {
  const parsed = t.format === 'SRT' ? parseSrt(t.content) : parseWebVtt(t.content);
  return parsed.ok ? parsed.cues : [];
}

/**
 * Puts `count` screened cases straight into the human queue (one series, one shared media
 * revision), as the screening would leave them. For queue tests that need many cases quickly.
 */
export async function seedPendingCases(server: TestServer, studioId: string, count: number, options: { verdict?: 'CLEAR' | 'NEEDS_REVIEW' | 'LIKELY_VIOLATION'; territories?: string[]; filings?: Array<{ territory: string; filingNumber: string }>; subtitles?: SeedSubtitle[]; dubs?: SeedDub[]; seriesTitle?: string; varied?: boolean; before?: (run: (sql: string, params: unknown[]) => Promise<unknown[]>, seriesId: string) => Promise<void> } = {}): Promise<{ seriesId: string; caseIds: string[]; episodeIds: string[] }> {
  const territories = options.territories ?? ['US'];
  const verdict = options.verdict ?? 'NEEDS_REVIEW';
  // One transaction, cases bound to the digest of their real material as submission binds them:
  // a case whose material does not match lapses as soon as the publication follower sees it.
  return server.orm.em.fork().transactional(async (tx) => {
    const conn = tx.getConnection();
    const run = async <R>(sql: string, params: unknown[]) => (await conn.execute(sql, params, 'all', tx.getTransactionContext())) as R[];
    const [series] = await run<{ id: string }>(
      `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
       values (gen_random_uuid(), ?, ?, '', '{}', 'en', '{}', '{}', '[]', ?::jsonb, 0, now(), now()) returning id`,
      [studioId, options.seriesTitle ?? 'Queue series', JSON.stringify(options.filings ?? [])],
    );
    const episodes = await run<{ id: string }>(
      `insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at)
       select gen_random_uuid(), ?, n, 'Episode ' || n, '', 'IN_REVIEW', now(), now() from generate_series(1, ?) n returning id`,
      [series!.id, count],
    );
    const [revision] = await run<{ id: string }>(
      `insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
       values (gen_random_uuid(), ?, repeat('a', 64), 1000, 'media/' || repeat('a', 64) || '.mp4', 'x.mp4', 'mp4', 'h264', 60, 720, 1280, '[]', now()) returning id`,
      [episodes[0]!.id],
    );
    await run(`update episode set current_media_id = ? where series_id = ?`, [revision!.id, series!.id]);
    if (options.varied) {
      // Each episode its own media (20 + n seconds, 700 + n × 2 wide, a poster on even numbers), so a
      // reader that gave one episode another's would show it.
      await run(
        `with made as (
           insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, poster_key, warnings, created_at)
           select gen_random_uuid(), e.id, encode(sha256(e.id::text::bytea), 'hex'), 1000, 'media/' || e.id || '.mp4', 'x.mp4', 'mp4', 'h264', 20 + e.number, 700 + e.number * 2, 1280,
                  case when e.number % 2 = 0 then 'posters/' || e.id || '.jpg' end, '[]', now()
           from episode e where e.series_id = ? returning id, episode_id)
         update episode e set current_media_id = made.id from made where made.episode_id = e.id`,
        [series!.id],
      );
    }
    // Tracks on every episode before submission, so the cases are bound to them; `varied`: the i-th
    // track only on episodes whose number is a multiple of i + 1.
    for (const [i, t] of (options.subtitles ?? []).entries()) {
      await run(
        `insert into subtitle_track (id, episode_id, language, kind, ai_generated, format, content, cues, cue_count, updated_at)
         select gen_random_uuid(), e.id, ?, ?, ?, ?, ?, ?::jsonb, ?, now() from episode e where e.series_id = ? and e.number % ? = 0`,
        [t.language, t.kind ?? 'SUBTITLES', t.aiGenerated ?? false, t.format, t.content, JSON.stringify(cuesOf(t)), t.content.split('-->').length - 1, series!.id, options.varied ? i + 1 : 1],
      );
    }
    for (const d of options.dubs ?? []) {
      // Stored as processing stores a dub: under its content hash in media storage.
      const bytes = readFileSync(d.file);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      mkdirSync(path.join(server.config.mediaDir, 'audio'), { recursive: true });
      writeFileSync(path.join(server.config.mediaDir, 'audio', `${sha256}.m4a`), bytes);
      await run(
        `insert into audio_track (id, episode_id, language, sha256, size_bytes, storage_key, file_name, container, audio_codec, duration_seconds, created_at)
         select gen_random_uuid(), e.id, ?, ?, ?, ?, 'dub.m4a', 'mov,mp4,m4a,3gp,3g2,mj2', 'aac', 60, now() from episode e where e.series_id = ?`,
        [d.language, sha256, bytes.length, `audio/${sha256}.m4a`, series!.id],
      );
    }
    // More material, as a test wants it, before the cases are bound to it.
    if (options.before) await options.before(run, series!.id);
    const snapshots = await loadReviewedSnapshots(tx, episodes.map((e) => e.id));
    const bound = JSON.stringify(episodes.map((e) => ({ episode_id: e.id, hash: reviewedDigest(snapshots.get(e.id)!), snapshot: snapshots.get(e.id), media_sha256: snapshots.get(e.id)!.mediaSha256 })));
    const verdicts = JSON.stringify(territories.map((t) => ({ territory: t, verdict, riskScore: verdict === 'LIKELY_VIOLATION' ? 80 : verdict === 'NEEDS_REVIEW' ? 45 : 0, reasons: [] })));
    const cases = await run<{ id: string }>(
      `insert into review_case (id, episode_id, studio_id, media_revision_id, media_sha256, metadata_hash, metadata_snapshot, territories, status, ai_status, risk_score, verdicts, progress, submitted_at, sla_due_at)
       select gen_random_uuid(), b.episode_id, ?, e.current_media_id, b.media_sha256, b.hash, b.snapshot, ?::text[], 'PENDING_REVIEW', 'COMPLETED', ?, ?::jsonb, '{}', now() - (random() * interval '2 hours'), now() + interval '1 day'
       from jsonb_to_recordset(?::jsonb) as b(episode_id uuid, hash text, snapshot jsonb, media_sha256 text) join episode e on e.id = b.episode_id returning id`,
      [studioId, `{${territories.join(',')}}`, verdict === 'LIKELY_VIOLATION' ? 80 : verdict === 'NEEDS_REVIEW' ? 45 : 0, verdicts, bound],
    );
    return { seriesId: series!.id, caseIds: cases.map((c) => c.id), episodeIds: episodes.map((e) => e.id) };
  });
}

/** A dub on every seeded episode: an audio file (60 s, to match the seeded video) in a language. */
export interface SeedDub {
  language: string;
  file: string;
}

export interface SeedSubtitle {
  language: string;
  format: 'WEBVTT' | 'SRT';
  content: string;
  kind?: 'SUBTITLES' | 'CLOSED_CAPTIONS' | 'FORCED';
  aiGenerated?: boolean;
}

export const CLAIM_NEXT = graphql(`mutation($f: QueueFilterInput) { claimNextCase(filter: $f) { id version studio: episode { id } claimExpiresAt } }`);
export const DECIDE = graphql(`mutation($i: DecideCaseInput!) { decideCase(input: $i) { id status version awaitingSecondApproval episode { status } } }`);
