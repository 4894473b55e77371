import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Reviewed material changed (new media, edited title or synopsis, new subtitles): open cases of
 * those episodes stop counting, decided ones are marked as no longer matching, and an episode that
 * was in or through review goes back to READY — it must be reviewed again.
 */
export async function invalidateReviews(em: EntityManager, scope: { episodeIds?: string[]; seriesId?: string }, reason: string): Promise<number> {
  const conn = em.getConnection();
  const tx = em.getTransactionContext();
  const where = scope.seriesId ? `episode_id in (select id from episode where series_id = ?)` : `episode_id = any(?::uuid[])`;
  const param = scope.seriesId ?? `{${(scope.episodeIds ?? []).join(',')}}`;
  if (!scope.seriesId && !scope.episodeIds?.length) return 0;
  const open = (await conn.execute(
    `update review_case set status = 'INVALIDATED', invalidated_at = now(), invalidated_reason = ?
     where ${where} and status in ('QUEUED', 'SCREENING', 'PENDING_REVIEW') returning episode_id`,
    [reason, param],
    'all',
    tx,
  )) as Array<{ episode_id: string }>;
  const decided = (await conn.execute(
    `update review_case set invalidated_at = now(), invalidated_reason = ?
     where ${where} and status = 'DECIDED' and invalidated_at is null returning episode_id`,
    [reason, param],
    'all',
    tx,
  )) as Array<{ episode_id: string }>;
  const episodes = [...new Set([...open, ...decided].map((r) => r.episode_id))];
  if (episodes.length) {
    await conn.execute(
      `update episode set status = case when current_media_id is null then 'DRAFT'::episode_status else 'READY'::episode_status end, updated_at = now()
       where id = any(?::uuid[]) and status in ('IN_REVIEW', 'APPROVED', 'CHANGES_REQUESTED', 'REJECTED')`,
      [`{${episodes.join(',')}}`],
      'run',
      tx,
    );
  }
  return open.length + decided.length;
}
