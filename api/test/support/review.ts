import { Episode } from '../../src/modules/catalog/episode.entity';
import { reviewedMetadata } from '../../src/modules/review/review.service';
import type { TestServer } from './server';

/**
 * Puts `count` screened cases straight into the human queue (one series, one shared media
 * revision), as the screening would leave them. For queue tests that need many cases quickly.
 */
export async function seedPendingCases(server: TestServer, studioId: string, count: number, options: { verdict?: 'CLEAR' | 'NEEDS_REVIEW' | 'LIKELY_VIOLATION'; territories?: string[] } = {}): Promise<{ seriesId: string; caseIds: string[]; episodeIds: string[] }> {
  const conn = server.orm.em.getConnection();
  const territories = options.territories ?? ['US'];
  const verdict = options.verdict ?? 'NEEDS_REVIEW';
  const [series] = (await conn.execute(
    `insert into series (id, studio_id, title, synopsis, genres, original_language, audio_languages, subtitle_languages, maturity_ratings, filings, free_episode_count, created_at, updated_at)
     values (gen_random_uuid(), ?, 'Queue series', '', '{}', 'en', '{}', '{}', '[]', '[]', 0, now(), now()) returning id`,
    [studioId],
  )) as Array<{ id: string }>;
  const episodes = (await conn.execute(
    `insert into episode (id, series_id, number, title, synopsis, status, created_at, updated_at)
     select gen_random_uuid(), ?, n, 'Episode ' || n, '', 'IN_REVIEW', now(), now() from generate_series(1, ?) n returning id`,
    [series!.id, count],
  )) as Array<{ id: string }>;
  const [revision] = (await conn.execute(
    `insert into media_revision (id, episode_id, sha256, size_bytes, storage_key, file_name, container, video_codec, duration_seconds, width, height, warnings, created_at)
     values (gen_random_uuid(), ?, repeat('a', 64), 1000, 'media/' || repeat('a', 64) || '.mp4', 'x.mp4', 'mp4', 'h264', 60, 720, 1280, '[]', now()) returning id`,
    [episodes[0]!.id],
  )) as Array<{ id: string }>;
  await conn.execute(`update episode set current_media_id = ? where series_id = ?`, [revision!.id, series!.id]);
  const verdicts = JSON.stringify(territories.map((t) => ({ territory: t, verdict, riskScore: verdict === 'LIKELY_VIOLATION' ? 80 : verdict === 'NEEDS_REVIEW' ? 45 : 0, reasons: [] })));
  const cases = (await conn.execute(
    `insert into review_case (id, episode_id, studio_id, media_revision_id, media_sha256, metadata_hash, metadata_snapshot, territories, status, ai_status, risk_score, verdicts, progress, submitted_at, sla_due_at)
     select gen_random_uuid(), e.id, ?, ?, repeat('a', 64), 'h', '{}', ?::text[], 'PENDING_REVIEW', 'COMPLETED', ?, ?::jsonb, '{}', now() - (random() * interval '2 hours'), now() + interval '1 day'
     from episode e where e.series_id = ? returning id`,
    [studioId, revision!.id, `{${territories.join(',')}}`, verdict === 'LIKELY_VIOLATION' ? 80 : verdict === 'NEEDS_REVIEW' ? 45 : 0, verdicts, series!.id],
  )) as Array<{ id: string }>;
  if (count <= 20) {
    // Bind small seeds to their real reviewed text, as submission does (appeals check it).
    const em = server.orm.em.fork();
    for (const episode of await em.find(Episode, { series: series!.id }, { populate: ['series'] })) {
      const { hash, snapshot } = await reviewedMetadata(em, episode);
      await conn.execute('update review_case set metadata_hash = ?, metadata_snapshot = ? where episode_id = ?', [hash, JSON.stringify(snapshot), episode.id]);
    }
  }
  return { seriesId: series!.id, caseIds: cases.map((c) => c.id), episodeIds: episodes.map((e) => e.id) };
}

export const CLAIM_NEXT = /* GraphQL */ `mutation($f: QueueFilterInput) { claimNextCase(filter: $f) { id version studio: episode { id } claimExpiresAt } }`;
export const DECIDE = /* GraphQL */ `mutation($i: DecideCaseInput!) { decideCase(input: $i) { id status version awaitingSecondApproval episode { status } } }`;
