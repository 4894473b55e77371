import type { EntityManager } from '@mikro-orm/postgresql';
import { transitionEpisodesInSql } from '../catalog/episode-lifecycle';

/**
 * Reviewed material changed (new media, edited title or synopsis, new subtitles): open cases of
 * those episodes stop counting, decided ones are marked as no longer matching, and an episode that
 * was in or through review takes the `reviewLapsed` transition back to READY — it must be reviewed
 * again.
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
  await transitionEpisodesInSql(em, episodes, 'reviewLapsed');
  return open.length + decided.length;
}

/**
 * Lapses exactly these cases (found bound to material that has since changed): open ones stop
 * counting, decided ones no longer match. Cases created or decided meanwhile are untouched. The
 * caller moves the episodes (`reviewLapsed`). Returns the cases that lapsed.
 */
export async function invalidateCases(em: EntityManager, caseIds: readonly string[], reason: string): Promise<string[]> {
  if (!caseIds.length) return [];
  const rows = (await em.getConnection().execute(
    `update review_case set invalidated_at = now(), invalidated_reason = ?,
            status = case when status in ('QUEUED', 'SCREENING', 'PENDING_REVIEW') then 'INVALIDATED'::case_status else status end
     where id = any(?::uuid[]) and invalidated_at is null and status <> 'INVALIDATED' returning id`,
    [reason, `{${caseIds.join(',')}}`],
    'all',
    em.getTransactionContext(),
  )) as Array<{ id: string }>;
  return rows.map((r) => r.id);
}
