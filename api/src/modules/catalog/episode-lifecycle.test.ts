import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../domain/errors';
import { EpisodeStatus } from './episode.entity';
import { allowedFrom, allowedStatusChanges, canTransition, EPISODE_TRANSITIONS, transitionEpisode, type EpisodeTransition } from './episode-lifecycle';

const S = EpisodeStatus;
const episode = (status: EpisodeStatus) => ({ id: 'e1', number: 7, status });

describe('the episode lifecycle', () => {
  it('walks an episode from draft to live and down', () => {
    const e = episode(S.DRAFT);
    const path: Array<[EpisodeTransition, EpisodeStatus]> = [
      ['startUpload', S.UPLOADING],
      ['uploadFinished', S.PROCESSING],
      ['processingFinished', S.READY],
      ['submitForReview', S.IN_REVIEW],
      ['requestChanges', S.CHANGES_REQUESTED],
      ['submitForReview', S.IN_REVIEW],
      ['approve', S.APPROVED],
      ['publish', S.PUBLISHED],
      ['withdraw', S.APPROVED],
      ['publish', S.PUBLISHED],
      ['takeDown', S.TAKEN_DOWN],
    ];
    for (const [transition, to] of path) {
      expect(transitionEpisode(e, transition)).toBe(to);
      expect(e.status).toBe(to);
    }
  });

  it('refuses an illegal transition with a CONFLICT naming the episode, the transition and the status, and changes nothing', () => {
    const e = episode(S.DRAFT);
    let error: unknown;
    try {
      transitionEpisode(e, 'submitForReview', { field: 'input.episodeIds.0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict.message).toBe('Episode 7 is DRAFT, so it cannot be submitted for review: submitForReview starts only from READY or CHANGES_REQUESTED.');
    expect(conflict.details).toEqual({ field: 'input.episodeIds.0', transition: 'submitForReview', status: 'DRAFT' });
    expect(e.status).toBe(S.DRAFT);
  });

  it('keeps a takedown: neither new material, an appeal nor a review outcome lifts it', () => {
    for (const t of Object.keys(EPISODE_TRANSITIONS) as EpisodeTransition[]) expect(canTransition(S.TAKEN_DOWN, t)).toBe(false);
  });

  it('sends every reviewed or live status back to READY when the reviewed material changes', () => {
    expect(allowedFrom('reviewLapsed').sort()).toEqual([S.APPROVED, S.CHANGES_REQUESTED, S.IN_REVIEW, S.PUBLISHED, S.REJECTED].sort());
    expect(EPISODE_TRANSITIONS.reviewLapsed.to).toBe(S.READY);
  });

  it('reaches APPROVED and PUBLISHED only through review', () => {
    const into = (status: EpisodeStatus) => allowedStatusChanges().filter(([, to]) => to === status).map(([from]) => from).sort();
    expect(into(S.APPROVED)).toEqual([S.IN_REVIEW, S.PUBLISHED].sort());
    expect(into(S.PUBLISHED)).toEqual([S.APPROVED]);
    expect(into(S.IN_REVIEW)).toEqual([S.APPROVED, S.CHANGES_REQUESTED, S.PUBLISHED, S.READY, S.REJECTED].sort());
  });

  it('lists each allowed (from, to) pair once, none of them a self-loop', () => {
    const pairs = allowedStatusChanges().map(([from, to]) => `${from}>${to}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(pairs.filter((p) => p.split('>')[0] === p.split('>')[1])).toEqual([]);
    expect(pairs).toHaveLength(22);
  });
});
