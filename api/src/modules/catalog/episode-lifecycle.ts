import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../domain/errors';
import { EpisodeStatus } from './episode.entity';

const {
  DRAFT, UPLOADING, PROCESSING, READY, IN_REVIEW, CHANGES_REQUESTED, REJECTED, APPROVED, PUBLISHED, TAKEN_DOWN,
} = EpisodeStatus;

/**
 * Every way an episode's status may change, declared once. Code asks for a named transition and
 * never writes a status itself; the `episode_lifecycle` trigger (migration 20261129030000) refuses
 * any other change, so raw SQL cannot bypass this table either. Keep the two in step: a test
 * compares them pair by pair.
 */
export const EPISODE_TRANSITIONS = {
  /** The first upload began. A replacement upload leaves the status alone until it finishes. */
  startUpload: { from: [DRAFT], to: UPLOADING, label: 'marked as uploading' },
  /** Every byte of the first upload arrived; it is being hashed and probed. */
  uploadFinished: { from: [UPLOADING], to: PROCESSING, label: 'marked as processing' },
  /** The first media is probed and current. */
  processingFinished: { from: [PROCESSING], to: READY, label: 'marked ready' },
  /** The first media could not be used and no other upload is under way. */
  processingFailed: { from: [UPLOADING, PROCESSING], to: DRAFT, label: 'returned to draft after a failed upload' },
  /** The first upload was cancelled or timed out and no other upload is under way. */
  uploadAbandoned: { from: [UPLOADING, PROCESSING], to: DRAFT, label: 'returned to draft after an abandoned upload' },
  submitForReview: { from: [READY, CHANGES_REQUESTED], to: IN_REVIEW, label: 'submitted for review' },
  approve: { from: [IN_REVIEW], to: APPROVED, label: 'approved' },
  requestChanges: { from: [IN_REVIEW], to: CHANGES_REQUESTED, label: 'sent back with change requests' },
  reject: { from: [IN_REVIEW], to: REJECTED, label: 'rejected' },
  /** A rejection is appealed; a takedown is not undone by an appeal. */
  appeal: { from: [REJECTED, CHANGES_REQUESTED, APPROVED, PUBLISHED], to: IN_REVIEW, label: 'appealed' },
  /** Live for at least one partner. */
  publish: { from: [APPROVED], to: PUBLISHED, label: 'published' },
  /** No longer live anywhere while its approval still holds (window ended, release withdrawn). */
  withdraw: { from: [PUBLISHED], to: APPROVED, label: 'withdrawn' },
  takeDown: { from: [APPROVED, PUBLISHED], to: TAKEN_DOWN, label: 'taken down' },
  /**
   * Reviewed material changed (media, text, subtitles): whatever review said no longer applies and
   * the episode must be submitted again. A takedown stays: only a lead lifts it.
   */
  reviewLapsed: { from: [IN_REVIEW, CHANGES_REQUESTED, REJECTED, APPROVED, PUBLISHED], to: READY, label: 'sent back for review' },
} as const satisfies Record<string, { from: readonly EpisodeStatus[]; to: EpisodeStatus; label: string }>;

export type EpisodeTransition = keyof typeof EPISODE_TRANSITIONS;

/** Whether `transition` may be taken from `status`. */
export function canTransition(status: EpisodeStatus, transition: EpisodeTransition): boolean {
  return (EPISODE_TRANSITIONS[transition].from as readonly EpisodeStatus[]).includes(status);
}

/** The statuses `transition` may be taken from, for SQL that applies it to many rows at once. */
export function allowedFrom(transition: EpisodeTransition): EpisodeStatus[] {
  return [...EPISODE_TRANSITIONS[transition].from];
}

/** Every (from, to) pair some transition allows; what the database trigger allows too. */
export function allowedStatusChanges(): Array<[EpisodeStatus, EpisodeStatus]> {
  const pairs = new Map<string, [EpisodeStatus, EpisodeStatus]>();
  for (const { from, to } of Object.values(EPISODE_TRANSITIONS)) for (const f of from) pairs.set(`${f}>${to}`, [f, to]);
  return [...pairs.values()];
}

/**
 * Throws a CONFLICT (reason TRANSITION_NOT_ALLOWED) naming the episode, the transition and the
 * status it is in, unless the episode may move along `transition`.
 */
export function assertTransition(episode: { id: string; number?: number; status: EpisodeStatus }, transition: EpisodeTransition, options: { field?: string } = {}): void {
  const rule = EPISODE_TRANSITIONS[transition];
  if (canTransition(episode.status, transition)) return;
  const name = episode.number === undefined ? `Episode ${episode.id}` : `Episode ${episode.number}`;
  const error = new ConflictError(`${name} is ${episode.status}, so it cannot be ${rule.label}: ${transition} starts only from ${rule.from.join(' or ')}.`, options.field).because('TRANSITION_NOT_ALLOWED');
  error.details.transition = transition;
  error.details.status = episode.status;
  throw error;
}

/**
 * Moves the episode along `transition`, or throws as `assertTransition` does. The caller flushes;
 * nothing else writes `status`.
 */
export function transitionEpisode(episode: { id: string; number?: number; status: EpisodeStatus }, transition: EpisodeTransition, options: { field?: string } = {}): EpisodeStatus {
  const rule = EPISODE_TRANSITIONS[transition];
  assertTransition(episode, transition, options);
  episode.status = rule.to;
  return rule.to;
}

/**
 * Applies `transition` in SQL to those of `episodeIds` that are in one of its from-states, in the
 * caller's transaction; returns the ids that moved. For paths that update rows without loading them.
 * Episodes already loaded into `em` are moved in memory too, so a later flush does not write back a
 * stale status.
 */
export async function transitionEpisodesInSql(em: EntityManager, episodeIds: readonly string[], transition: EpisodeTransition): Promise<string[]> {
  if (!episodeIds.length) return [];
  const rule = EPISODE_TRANSITIONS[transition];
  const moved = (await em.getConnection().execute(
    `update episode set status = ?::episode_status, updated_at = now()
     where id = any(?::uuid[]) and status = any(?::episode_status[]) returning id`,
    [rule.to, `{${episodeIds.join(',')}}`, `{${rule.from.join(',')}}`],
    'all',
    em.getTransactionContext(),
  )) as Array<{ id: string }>;
  for (const { id } of moved) {
    const loaded = em.getUnitOfWork().getById<{ id: string; status: EpisodeStatus }>('Episode', id);
    if (loaded && canTransition(loaded.status, transition)) loaded.status = rule.to;
  }
  return moved.map((r) => r.id);
}
